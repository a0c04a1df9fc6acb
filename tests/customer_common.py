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


PERSON_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


class PersonBrowserMixin:
    """HTTP requests of the test come from a person's browser, not from an HTTP library
    (which the tracking routes count as a machine); mixed in before HttpCase."""

    def setUp(self):
        super().setUp()
        self.opener.headers["User-Agent"] = PERSON_USER_AGENT
