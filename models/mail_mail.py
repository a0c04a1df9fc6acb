import logging
import re
from collections import defaultdict

from odoo import models

from ..tools import CLICK, CLICK_PATH, OPEN, OPEN_PATH, add_tracking, make_token, with_server_reply

_logger = logging.getLogger(__name__)

TRACKING_ENABLED_PARAM = "partner_email_history.tracking_enabled"
_LINK_TRACKER_CODE_RE = re.compile(r"/r/([A-Za-z0-9]+)")
_LINK_TRACKER_HREF_RE = re.compile(r"^https?://[^/]+/r/([A-Za-z0-9]+)(?:/m/\d+)?/?$")


class MailMail(models.Model):
    """Record every email sent to a contact (partner recipient that is not an internal
    user) as a ``partner.email.send`` with its connection note, add open and click tracking
    to its HTML body, and set its state from the real outcome of the send.

    mass_mailing (optional): one tracking layer per email, and ours is the one that
    records for the recipients we track. A mailing email gets our pixel and links
    *instead of* Odoo's (its pixel is dropped, its link tracker links are unwrapped to
    their URL), and the same single SQL statement of our routes also updates the email's
    ``mailing.trace`` (opened; first click time), so the mailing statistics and the
    contact's Emails page both see each open and click. Trade-off: the link tracker's
    per-link counter (a shared stored count) does not count these clicks. Recipients we
    do not track (mailing lists, internal users) keep Odoo's own tracking untouched.
    """

    _inherit = "mail.mail"

    def _prepare_outgoing_list(self, mail_server=False, doc_to_followers=None):
        email_list = super()._prepare_outgoing_list(
            mail_server=mail_server, doc_to_followers=doc_to_followers
        )
        tracked = [values for values in email_list if self._email_history_is_tracked(values)]
        if not tracked:
            return email_list
        try:
            with self.env.cr.savepoint():
                bodies = self._email_history_track(tracked)
        except Exception:
            # never block nor lose the email: it leaves as it came, untracked
            _logger.exception("Email history: could not track mail.mail %s, sent untracked", self.id)
            return email_list
        # The plain-text alternative stays Odoo's, made from the untracked body: text clients
        # get the original links and no pixel address.
        for values, body in bodies:
            values["body"] = body
        return email_list

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        try:
            with self.env.cr.savepoint():
                self._email_history_set_outcome(success_pids, failure_reason, failure_type)
        except Exception:
            _logger.exception("Email history: could not record the outcome of mail.mail %s", self.ids)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )

    def _email_history_is_tracked(self, email_values):
        partner = email_values.get("partner_id")
        return bool(partner) and partner.partner_share

    def _email_history_track(self, email_values_list):
        """Create the sends of ``email_values_list`` (recipients of this email) and return
        ``[(email_values, tracked_body)]`` for the bodies that tracking changed."""
        self.ensure_one()
        connection_type, campaign = self.env["partner.email.connection.type"]._classify_mail(self)
        sends = (
            self.env["partner.email.send"]
            .sudo()
            ._create_with_notes(
                [
                    {
                        "partner_id": values["partner_id"].id,
                        "campaign_id": campaign.id,
                        "subject": self.subject,
                        "email_to": values.get("email_to_raw") or values["partner_id"].email,
                        "connection_type": connection_type,
                        "mail_mail_id": self.id,
                        "mail_message_id": self.mail_message_id.id,
                    }
                    for values in email_values_list
                ],
                mail_message_id=self.mail_message_id.id,
            )
        )
        if not self._email_history_tracking_enabled():
            return []

        base_url = self._email_history_base_url()
        secret = sends._get_token_secret()
        unwrap, drop_images = self._email_history_foreign_layer()
        bodies = []
        sends_by_urls = defaultdict(sends.browse)
        for values, send in zip(email_values_list, sends, strict=True):
            body, urls = add_tracking(
                values["body"],
                f"{base_url}{OPEN_PATH}{make_token(secret, OPEN, send.id)}.gif",
                lambda index, send_id=send.id: (
                    f"{base_url}{CLICK_PATH}{make_token(secret, CLICK, send_id, index)}"
                ),
                unwrap=unwrap,
                drop_images=drop_images,
            )
            if body is not values["body"]:
                bodies.append((values, body))
            if urls:
                sends_by_urls[tuple(urls)] |= send
        for urls, url_sends in sends_by_urls.items():
            url_sends.write({"link_urls": list(urls)})
        return bodies

    def _email_history_tracking_enabled(self):
        value = self.env["ir.config_parameter"].sudo().get_param(TRACKING_ENABLED_PARAM, "1")
        return value.strip().lower() not in ("0", "false", "no", "off", "")

    def _email_history_mailing(self):
        """The mailing of this email (may be empty), None when mass_mailing is not installed."""
        return self.mailing_id if "mailing_id" in self._fields else None

    def _email_history_record(self):
        """The source document of this email (sudo), None when it has none."""
        if not (self.model and self.res_id and self.model in self.env):
            return None
        return self.env[self.model].sudo().browse(self.res_id).exists() or None

    def _email_history_base_url(self):
        """Base URL of the email's links, as Odoo builds its own: from its mailing or its
        source document (company / website aware), else the database's."""
        source = self._email_history_mailing() or self._email_history_record() or self
        return source.get_base_url().rstrip("/")

    def _email_history_foreign_layer(self):
        """``(unwrap, drop_images)`` for add_tracking: mass_mailing's link tracker links
        and open pixel in a mailing email, replaced by ours."""
        if not self._email_history_mailing():
            return None, ()
        codes = set(_LINK_TRACKER_CODE_RE.findall(self.body_html or ""))
        trackers = self.env["link.tracker.code"].sudo().search([("code", "in", list(codes))])
        urls = {tracker.code: tracker.link_id.url for tracker in trackers}

        def unwrap(href):
            match = _LINK_TRACKER_HREF_RE.match(href)
            return urls.get(match[1]) if match else None

        return unwrap, {self._get_tracking_url()}

    def _email_history_set_outcome(self, success_pids, failure_reason, failure_type):
        if not any(self.recipient_ids.mapped("partner_share")):
            return  # no contact among the recipients: nothing was recorded
        sends = (
            self.env["partner.email.send"]
            .sudo()
            .search([("mail_mail_id", "in", self.ids), ("state", "=", "outgoing")])
        )
        if not sends:
            return
        delivered_ids = {getattr(partner, "id", partner) for partner in success_pids}
        delivered = sends.filtered(lambda send: not failure_type or send.partner_id.id in delivered_ids)
        delivered._mark_sent()
        for mail in self:
            failed = (sends - delivered).filtered(lambda send, mail=mail: send.mail_mail_id == mail.id)
            if failed:
                failed._mark_failed(with_server_reply(failure_reason or mail.failure_reason or failure_type))
