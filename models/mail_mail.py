import logging
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from psycopg2.errors import LockNotAvailable

from odoo import models
from odoo.tools import SQL

from ..tools import (
    OPEN,
    OPEN_PATH,
    add_tracking,
    click_link,
    make_token,
    recipient_failure_text,
    remove_tracking,
    title_from_body,
)

_logger = logging.getLogger(__name__)

TRACKING_ENABLED_PARAM = "partner_email_history.tracking_enabled"
_LINK_TRACKER_CODE_RE = re.compile(r"/r/([A-Za-z0-9]+)")
_LINK_TRACKER_HREF_RE = re.compile(r"^https?://[^/]+/r/([A-Za-z0-9]+)(?:/m/\d+)?/?$")
# How long the history's statements may wait for a lock before the email leaves without them.
_LOCK_TIMEOUT_MS = 3000
# Per cursor: what a batch of mail.mail being sent has prepared and not yet written.
_BATCH_KEY = "partner_email_history.batch"


@dataclass
class _MailHistory:
    """The sends of one mail.mail in the batch being sent, and what is left to write."""

    sends: dict  # partner id -> send id
    addresses: dict = field(default_factory=dict)  # send id -> the address it goes to
    record: models.BaseModel | None = None  # the email's source document (sudo), if any
    untracked: dict = field(default_factory=dict)  # send id -> why it leaves untracked
    targets: dict = field(default_factory=dict)  # send id -> [target URL, ...]
    codes: dict = field(default_factory=dict)  # send id -> [link tracker code or None, ...]
    outcomes: dict = field(default_factory=dict)  # send id -> (state, failure reason)
    opted_out: set = field(default_factory=set)  # send ids whose contact objects to any tracking


def _merged(histories, attribute):
    return {key: value for history in histories for key, value in getattr(history, attribute).items()}


class MailMail(models.Model):
    """Record every email sent to a contact (partner recipient that is not an internal
    user) as a ``partner.email.send`` with its connection note, add open and click tracking
    to its HTML body, and set its state from the real outcome of the send.

    The writes are made per call of ``send``, not per email: the sends and notes in one
    insert each before sending, the outcomes and links in one update each after (or after
    each email when the mail queue commits each one). The sends are created before
    any tracking step and apart from it, so an email whose tracking fails is still listed.

    mass_mailing (optional): one tracking layer per email, and ours is the one that
    records for the recipients we track. A mailing email gets our pixel and links
    *instead of* Odoo's (its pixel is dropped, its link tracker links are unwrapped to
    their URL, the code kept); the sync job then reports each person's open and click to
    the mailing through Odoo's own methods, so the mailing's statistics stay Odoo's.
    """

    _inherit = "mail.mail"

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        if self.env["ir.mail_server"]._disable_send():
            return super().send(auto_commit, raise_exception, post_send_callback)
        self.filtered(lambda mail: mail.state == "outgoing")._email_history_prepare()

        def write_history_then_callback(mail_ids, *args, **kwargs):
            if auto_commit is True:  # the mail queue commits each email: its history goes with it
                self.browse(mail_ids)._email_history_write()
            if post_send_callback:
                post_send_callback(mail_ids, *args, **kwargs)

        try:
            result = super().send(auto_commit, raise_exception, write_history_then_callback)
            self._email_history_write()
            return result
        finally:
            # an exception aborted the sending: what it prepared is rolled back with it
            batch = self._email_history_batch()
            for mail_id in self.ids:
                batch.pop(mail_id, None)

    def _prepare_outgoing_list(self, mail_server=False, doc_to_followers=None):
        email_list = super()._prepare_outgoing_list(
            mail_server=mail_server, doc_to_followers=doc_to_followers
        )
        history = self._email_history_batch().get(self.id)
        if not history:
            return email_list
        recipients = [
            (values, send_id)
            for values in email_list
            if (send_id := history.sends.get(values["partner_id"].id if values.get("partner_id") else None))
        ]
        tracked = [(values, send_id) for values, send_id in recipients if send_id not in history.untracked]
        objecting = [values for values, send_id in recipients if send_id in history.opted_out]
        if tracked or objecting:
            try:
                self._email_history_track(tracked, history, objecting)
            except Exception:  # never block nor lose the email
                _logger.exception("Email history: could not track mail.mail %s, sent untracked", self.id)
                for _values, send_id in tracked:
                    history.untracked[send_id] = self.env._("tracking failed")
                    history.targets.pop(send_id, None)
        return email_list

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        batch = self._email_history_batch()
        delivered_ids = {getattr(partner, "id", partner) for partner in success_pids}
        for mail in self:
            history = batch.get(mail.id)
            if not history:
                continue
            odoo_reason = failure_reason or mail.failure_reason or failure_type
            for partner_id, send_id in history.sends.items():
                if not failure_type or partner_id in delivered_ids:
                    history.outcomes[send_id] = ("sent", False)
                    continue
                reason = recipient_failure_text(odoo_reason, history.addresses[send_id], lang=self.env.lang)
                history.outcomes[send_id] = ("failed", reason)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )

    def _email_history_batch(self):
        return self.env.cr.cache.setdefault(_BATCH_KEY, {})

    def _email_history_prepare(self):
        """Record, in one statement, the sends and notes of the contacts these emails go to
        (a retried email keeps its sends), and return the batch's ``{mail id: _MailHistory}``."""
        batch = self._email_history_batch()
        mails = self.filtered(lambda mail: mail.id not in batch)
        recipients = {mail.id: mail.recipient_ids.filtered("partner_share") for mail in mails}
        mails = mails.filtered(lambda mail: recipients[mail.id])
        if not mails:
            return batch
        records = mails._email_history_records()
        facts = {mail.id: mail._email_history_facts(records.get(mail.id)) for mail in mails}
        vals_list = [
            {
                "mail_mail_id": mail.id,
                "partner_id": partner.id,
                "campaign_id": facts[mail.id]["campaign"].id,
                "subject": mail._email_history_subject(),
                "email_to": partner.email,
                "connection_type": facts[mail.id]["connection_type"],
                "mail_message_id": mail.mail_message_id.id,
                "mailing_trace_id": mail._email_history_trace_id(),
                "template_id": mail.email_history_template_id.id,
                "company_id": facts[mail.id]["company"].id,
            }
            for mail in mails
            for partner in recipients[mail.id]
        ]
        try:
            with self._email_history_savepoint():
                send_ids = self.env["partner.email.send"].sudo()._record_sends(vals_list)
        except LockNotAvailable:
            _logger.warning("Email history: a lock held elsewhere kept mail.mail %s unlisted", mails.ids)
            return batch
        except Exception:  # never block the email; it leaves unlisted only if this fails
            _logger.exception("Email history: could not record the sends of mail.mail %s", mails.ids)
            return batch
        for mail in mails:
            history = batch[mail.id] = _MailHistory(sends={}, record=records.get(mail.id))
            for partner in recipients[mail.id]:
                send_id = history.sends[partner.id] = send_ids[(mail.id, partner.id)]
                history.addresses[send_id] = partner.email
                reason = partner._email_history_untracked_reason(
                    facts[mail.id]["connection_type"], facts[mail.id]["company"]
                )
                if reason:
                    history.untracked[send_id] = reason
                if partner.email_tracking_opt_out:
                    history.opted_out.add(send_id)
        return batch

    @contextmanager
    def _email_history_savepoint(self):
        """A savepoint for the history's own statements, so that their failure never fails
        the email: it flushes nobody's pending writes (they are raw SQL), and its statements
        give up on a lock held elsewhere (a company being renamed in a long transaction, say)
        rather than hold the sending back. One round trip to open, one to close."""
        cr = self.env.cr
        name = SQL.identifier(f"email_history_{uuid.uuid4().hex}")
        cr.execute(SQL("SAVEPOINT %s; SET LOCAL lock_timeout = %s", name, _LOCK_TIMEOUT_MS))
        try:
            yield
        except Exception:
            cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", name))
            raise
        cr.execute(SQL("SET LOCAL lock_timeout TO DEFAULT; RELEASE SAVEPOINT %s", name))

    def _email_history_subject(self):
        """The email's subject, or the first words of what was written when it has none of
        its own: Odoo then names the email after its document (a contact's chatter email is
        called by the contact's name), which tells nothing."""
        if self.message_type == "comment" and (not self.subject or self.subject == self.record_name):
            return title_from_body(self.body) or self.subject
        return self.subject

    def _email_history_facts(self, record):
        """What the history records of this email whose source document is ``record``:
        its connection type, campaign and company (the document's, else the sender's)."""
        connection_type, campaign = self.env["partner.email.connection.type"]._classify_mail(self, record)
        return {
            "connection_type": connection_type,
            "campaign": campaign,
            "company": self.record_company_id or self.env.company,
        }

    def _email_history_write(self):
        """Write the outcomes and tracked links these emails left in the batch, in one
        statement each, without ever failing the send."""
        batch = self._email_history_batch()
        histories = [batch.pop(mail_id) for mail_id in self.ids if mail_id in batch]
        if not histories:
            return
        try:
            with self._email_history_savepoint():
                sends = self.env["partner.email.send"].sudo()
                sends._write_outcomes(_merged(histories, "outcomes"), _merged(histories, "untracked"))
                sends._store_links(_merged(histories, "targets"), _merged(histories, "codes"))
        except Exception:  # the sync job reconciles what was not written
            _logger.exception("Email history: could not record the outcome of mail.mail %s", self.ids)

    def _email_history_track(self, tracked, history, objecting=()):
        """Add tracking to the body of each ``(email values, send id)`` of ``tracked``, and
        take Odoo's own tracking out of the email values of ``objecting`` contacts."""
        self.ensure_one()
        base_url = (self._email_history_mailing() or history.record or self).get_base_url().rstrip("/")
        secret = self.env["partner.email.send"].sudo()._get_token_secret()
        tracker_codes, drop_images = self._email_history_foreign_layer()
        urls_to_codes = {url: code for code, url in tracker_codes.items()}

        def unwrap(href):
            match = _LINK_TRACKER_HREF_RE.match(href)
            return tracker_codes.get(match[1]) if match else None

        if tracker_codes or drop_images:
            for values in objecting:
                values["body"] = remove_tracking(values["body"], unwrap, drop_images)

        for values, send_id in tracked:
            body, urls = add_tracking(
                values["body"],
                f"{base_url}{OPEN_PATH}{make_token(secret, OPEN, send_id)}.gif",
                lambda index, url, send_id=send_id: click_link(base_url, secret, send_id, index, url),
                unwrap=unwrap if tracker_codes else None,
                drop_images=drop_images,
            )
            # The plain-text alternative stays Odoo's, made from the untracked body: text
            # clients get the original links and no pixel address.
            values["body"] = body
            if urls:
                history.targets[send_id] = urls
                if tracker_codes:
                    history.codes[send_id] = [urls_to_codes.get(url) for url in urls]

    def _email_history_tracking_enabled(self):
        value = self.env["ir.config_parameter"].sudo().get_param(TRACKING_ENABLED_PARAM, "1")
        return value.strip().lower() not in ("0", "false", "no", "off", "")

    def _email_history_mailing(self):
        """The mailing of this email (may be empty), None when mass_mailing is not installed."""
        return self.mailing_id if "mailing_id" in self._fields else None

    def _email_history_trace_id(self):
        """The id of this email's mailing trace, or False."""
        return self.mailing_trace_ids[:1].id if self._email_history_mailing() else False

    def _email_history_records(self):
        """``{mail id: source document (sudo)}`` of these emails, one query per model."""
        ids_by_model = {}
        for mail in self:
            if mail.model and mail.res_id and mail.model in self.env:
                ids_by_model.setdefault(mail.model, set()).add(mail.res_id)
        existing = {
            model: self.env[model].sudo().browse(res_ids).exists() for model, res_ids in ids_by_model.items()
        }
        return {
            mail.id: self.env[mail.model].sudo().browse(mail.res_id)
            for mail in self
            if mail.model in existing and mail.res_id in existing[mail.model].ids
        }

    def _email_history_foreign_layer(self):
        """``({link tracker code: URL}, image sources to drop)``: mass_mailing's link tracker
        links and open pixel in a mailing email, replaced by ours."""
        if not self._email_history_mailing():
            return {}, ()
        codes = set(_LINK_TRACKER_CODE_RE.findall(self.body_html or ""))
        trackers = self.env["link.tracker.code"].sudo().search([("code", "in", list(codes))])
        return {tracker.code: tracker.link_id.url for tracker in trackers}, {self._get_tracking_url()}
