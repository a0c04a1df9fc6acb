class CustomerMixin:
    """A contact (no user: the emails exchanged with it are recorded) and a campaign, for
    the tests of real mail traffic; mixed in before a TestCase class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Jane Customer", "email": "jane.customer@example.com"}
        )
        cls.campaign = cls.env["utm.campaign"].create({"title": "Spring Sale"})
