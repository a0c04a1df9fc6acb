#!/usr/bin/env python3
"""ORM-side steps of `make bench`, run with Odoo as a library on one benchmark database.

    orm_tasks.py DB ADDONS_PATH load-setup OUT_DIR   tokens and paths for the wrk targets
    orm_tasks.py DB ADDONS_PATH fresh-setup OUT_DIR N K  N fresh sends, K open+click pairs each
    orm_tasks.py DB ADDONS_PATH send                 time the send path (JSON on stdout)
    orm_tasks.py DB ADDONS_PATH send-queries         SQL queries of one send() call per batch size
    orm_tasks.py DB ADDONS_PATH page                 contact form and Emails tab at scale (JSON)
    orm_tasks.py DB ADDONS_PATH page-form            the contact form again, on the same contacts

Bench tooling only: never imported by Odoo. A command-line tool: it prints its results.
"""

# pylint: disable=print-used
import json
import logging
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from unittest.mock import patch

import psycopg2
from lxml import etree

import odoo
from odoo.tools import SQL, config

LOAD_TOKENS = 1000
# mail.mail ids of the bench's sends (Odoo's pixel uses 10,000,001 on): bench.py tells them apart
OUR_FIRST_MAIL_ID = 20_000_001
FRESH_FIRST_MAIL_ID = 30_000_001
SEND_RECIPIENTS = int(os.environ.get("BENCH_SEND_RECIPIENTS", "1000"))
SEND_LINKS = 20
PAGE_SENDS = int(os.environ.get("BENCH_PAGE_SENDS", "100000"))
PAGE_CLICKS_PER_SEND = 5
SECRET_LINK = "https://example.com/account?access_token=bench-secret"
# no history; a few pages of each list (to tell "has rows" from "grows with history"); the big one
PAGE_PARTNERS = ("empty", "small", "big")
SMALL_SENDS = 200
PAGE_REPEATS = 5
FORM_REPEATS = 20  # the form's web_read takes milliseconds: more calls for a steadier best
PAGE_TIME_BUDGET = 2.0  # seconds per measured step and partner
PAGE_CALL_TIMEOUT = float(os.environ.get("BENCH_PAGE_TIMEOUT", "30"))
# the form holding the Emails tab's lists, which the tab loads when shown (arch contract)
LISTS_VIEW = "partner_email_history.res_partner_view_form_email_history"
SELECTED_SEND_FIELD = "email_selected_send_id"  # clicking a sent email filters the clicks
CLIENT_X2MANY_LIMIT = 40  # the web client's default page size of an x2many list
TAG_WIDGETS = ("many2many_tags", "many2many_checkboxes", "many2many_avatar_user")
TRACKING_SWITCH_PARAM = "partner_email_history.tracking_enabled"

_logger = logging.getLogger("bench")


def open_env(dbname, addons_path):
    config.parse_config(
        [
            "-d",
            dbname,
            f"--addons-path={addons_path}",
            "--log-level=warn",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=0",
            *([f"--data-dir={os.environ['BENCH_DATA_DIR']}"] if os.environ.get("BENCH_DATA_DIR") else []),
        ]
    )
    odoo.netsvc.init_logger()
    registry = odoo.modules.registry.Registry(dbname)
    return registry.cursor()


# ---------------------------------------------------------------------------
# Part 1: targets for wrk
# ---------------------------------------------------------------------------


def create_mailing_sends(env, count, first_mail_id, label):
    """``count`` sends of a new mailing to new contacts, each with its mailing trace (our routes
    leave a person's hits of a mailing email to the sync job, as in production) and two tracked
    links; ``first_mail_id`` numbers their (deleted) mail.mail."""
    partners = env["res.partner"].create(
        [{"name": f"Bench {label} {i}", "email": f"{label}{i}@bench.example.com"} for i in range(count)]
    )
    mailing = env["mailing.mailing"].create(
        {
            "subject": f"Bench mailing {label}",
            "body_html": "<p>Bench</p>",
            "mailing_model_id": env["ir.model"]._get_id("res.partner"),
        }
    )
    mail_ids = range(first_mail_id, first_mail_id + count)
    traces = env["mailing.trace"].create(
        [
            {
                "mass_mailing_id": mailing.id,
                "model": "res.partner",
                "res_id": partner.id,
                "email": partner.email,
                "trace_status": "sent",
                "mail_mail_id_int": mail_id,
            }
            for partner, mail_id in zip(partners, mail_ids, strict=True)
        ]
    )
    sends = env["partner.email.send"].create(
        [
            {
                "partner_id": partner.id,
                "campaign_id": mailing.campaign_id.id,
                "subject": mailing.subject,
                "email_to": partner.email,
                "state": "sent",
                "connection_type": "campaign",
                "mail_mail_id": mail_id,
                "mailing_trace_id": trace.id,
            }
            for partner, mail_id, trace in zip(partners, mail_ids, traces, strict=True)
        ]
    )
    env.flush_all()
    sends._store_links(
        {
            # the second link carries a secret: it stays out of the link, read when clicked
            send.id: [f"https://example.com/offer/{send.partner_id.id}", SECRET_LINK]
            for send in sends
        }
    )
    return sends, mailing


def click_path(send, index):
    """The path of link ``index`` of ``send`` as its email carries it."""
    from odoo.addons.partner_email_history.tools import click_link  # noqa: PLC0415 - once the addons path is set

    target = send._get_link_target(send.id, index)
    return click_link("", send._get_token_secret(), send.id, index, target)


def task_load_setup(env, out_dir):
    """Create 1,000 sends of a mailing (our routes), 1,000 other mailing traces (Odoo's
    pixel) and 1,000 link trackers (Odoo's /r/), and write one file of request paths per
    target."""
    # mail.mail ids of the emails (deleted once sent, as Odoo does): ours, then Odoo's pixel's
    sends, mailing = create_mailing_sends(env, LOAD_TOKENS, OUR_FIRST_MAIL_ID, "load")
    mail_ids = range(10_000_001, 10_000_001 + LOAD_TOKENS)
    env["mailing.trace"].create(
        [
            {
                "mass_mailing_id": mailing.id,
                "model": "res.partner",
                "res_id": send.partner_id.id,
                "email": send.email_to,
                "trace_status": "sent",
                "mail_mail_id_int": mail_id,
            }
            for send, mail_id in zip(sends, mail_ids, strict=True)
        ]
    )
    paths = {
        "our_pixel": [f"/email_history/o/{send._get_open_token()}.gif" for send in sends],
        "our_click": [click_path(send, 0) for send in sends],
        "our_click_stored": [click_path(send, 1) for send in sends],
    }
    MailMail = env["mail.mail"]
    paths["odoo_pixel"] = [
        f"/mail/track/{mail_id}/{MailMail._generate_mail_recipient_token(mail_id)}/blank.gif"
        for mail_id in mail_ids
    ]
    trackers = env["link.tracker"].create(
        [{"url": f"https://example.com/odoo/{i}", "title": f"Bench {i}"} for i in range(LOAD_TOKENS)]
    )
    paths["odoo_r"] = [f"/r/{tracker.code}" for tracker in trackers]
    env.cr.commit()

    for target, target_paths in paths.items():
        write_lines(os.path.join(out_dir, f"{target}_one.txt"), target_paths[:1])
        write_lines(os.path.join(out_dir, f"{target}_rot.txt"), target_paths)
    write_lines(os.path.join(out_dir, "floor_one.txt"), ["/email_history_bench/floor.gif"])
    write_lines(os.path.join(out_dir, "bare_one.txt"), ["/email_history_bench/bare.gif"])
    return {"sends": len(sends), "traces": LOAD_TOKENS, "trackers": len(trackers)}


def task_fresh_setup(env, out_dir, count, hits_per_send):
    """``count`` new sends never hit before, and the paths of their first hits: for each send
    in turn, ``hits_per_send`` pairs of (open, click of link 0), so that the connections
    walking the list together hit the same fresh send at once."""
    count, hits_per_send = int(count), int(hits_per_send)
    sends, _mailing = create_mailing_sends(env, count, FRESH_FIRST_MAIL_ID, "fresh")
    env.cr.commit()
    lines = []
    for send in sends:
        pair = [
            f"/email_history/o/{send._get_open_token()}.gif",
            click_path(send, 0),
        ]
        lines += pair * hits_per_send
    write_lines(os.path.join(out_dir, "fresh.txt"), lines)
    return {"first_id": min(sends.ids), "last_id": max(sends.ids), "sends": len(sends)}


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------
# Part 2: send path
# ---------------------------------------------------------------------------


class CapturingSMTP:
    """Stands for smtplib.SMTP, like Odoo's own mail tests: the message is
    serialized as it would be on the wire, and kept nowhere."""

    sent = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_message(self, message, smtp_from, smtp_to_list):
        message.as_string()
        CapturingSMTP.sent += 1

    def quit(self):
        pass

    def set_debuglevel(self, level):
        pass

    def ehlo_or_helo_if_needed(self):
        pass

    def ehlo(self, *args):
        return (250, b"ok")

    def has_extn(self, name):
        return False

    def login(self, user, password):
        pass

    def starttls(self, *args, **kwargs):
        pass


@contextmanager
def captured_smtp():
    with patch("smtplib.SMTP", CapturingSMTP), patch("smtplib.SMTP_SSL", CapturingSMTP):
        yield


def send_body(links):
    anchors = "".join(
        f'<p>Paragraph {k}: <a href="https://example.com/page/{k}?ref=bench">Offer {k}</a></p>'
        for k in range(links)
    )
    return (
        "<html><body><div><h1>Bench newsletter</h1>"
        f"{anchors}<p><a href='mailto:info@example.com'>mail us</a></p></div></body></html>"
    )


def tracking_modes(env):
    """(label, switch value) runs: the addon's on/off switch when it exists, else one run."""
    if "partner.email.send" not in env:
        return [("no addon", None)]
    return [("off", False), ("on", True)]


def set_tracking(env, enabled):
    if enabled is not None:
        env["ir.config_parameter"].sudo().set_param(TRACKING_SWITCH_PARAM, "1" if enabled else "0")
        env.flush_all()


def time_one_send(env, partners, body):
    mail = env["mail.mail"].create(
        {
            "subject": "Bench send",
            "email_from": "bench@example.com",
            "body_html": body,
            "recipient_ids": [(6, 0, partners.ids)],
        }
    )
    env.flush_all()
    CapturingSMTP.sent = 0
    start = time.perf_counter()
    mail.send(raise_exception=True)
    env.flush_all()
    elapsed = time.perf_counter() - start
    sent = CapturingSMTP.sent
    tracked = (
        env["partner.email.send"].search_count([("mail_mail_id", "=", mail.id)])
        if "partner.email.send" in env
        else 0
    )
    return elapsed, sent, tracked


def task_send(env):
    """One timed send per tracking mode (after a small warm-up send per mode)."""
    partners = env["res.partner"].create(
        [
            {"name": f"Bench Recipient {i}", "email": f"rcpt{i}@bench.example.com"}
            for i in range(SEND_RECIPIENTS)
        ]
    )
    env.cr.commit()
    body = send_body(SEND_LINKS)
    modes = {}
    with captured_smtp():
        for recipients, timed in ((partners[:20], False), (partners, True)):
            for label, enabled in tracking_modes(env):
                set_tracking(env, enabled)
                env.cr.commit()
                elapsed, sent, tracked = time_one_send(env, recipients, body)
                env.cr.rollback()
                if timed:
                    modes[label] = {
                        "seconds": elapsed,
                        "sent": sent,
                        "tracked": tracked,
                        "ms_per_recipient": 1000 * elapsed / len(recipients),
                    }
    return {"recipients": SEND_RECIPIENTS, "links": SEND_LINKS, "modes": modes}


def count_send_queries(env, partners, body, mails_count):
    """SQL queries of one ``send()`` call: ``mails_count`` mail.mail of ``len(partners) //
    mails_count`` recipients each (the same recipients for every mail). Returns (queries,
    emails sent)."""
    per_mail = len(partners) // mails_count
    mails = env["mail.mail"].create(
        [
            {
                "subject": f"Bench batch {i}",
                "email_from": "bench@example.com",
                "body_html": body,
                "recipient_ids": [(6, 0, partners[i * per_mail : (i + 1) * per_mail].ids)],
            }
            for i in range(mails_count)
        ]
    )
    env.flush_all()
    env.invalidate_all()
    CapturingSMTP.sent = 0
    before = env.cr.sql_log_count
    mails.send(raise_exception=True)
    env.flush_all()
    return env.cr.sql_log_count - before, CapturingSMTP.sent


def task_send_queries(env):
    """Queries of one send() call for batches of 1, 10 and 100 emails, in two shapes: N mails
    to one contact each (the mail queue's batch), and one mail to N contacts (a notification
    to followers); per tracking mode, after a warm-up send that fills the caches."""
    sizes = [int(size) for size in os.environ.get("BENCH_QUERY_SIZES", "1,10,100").split(",")]
    partners = env["res.partner"].create(
        [{"name": f"Bench Batch {i}", "email": f"batch{i}@bench.example.com"} for i in range(max(sizes))]
    )
    env.cr.commit()
    body = send_body(SEND_LINKS)
    counts = {}
    with captured_smtp():
        for label, enabled in tracking_modes(env):
            set_tracking(env, enabled)
            env.cr.commit()
            count_send_queries(env, partners[:2], body, 2)  # warm-up
            env.cr.rollback()
            for size in sizes:
                for shape, mails_count in (("mails", size), ("recipients", 1)):
                    queries, sent = count_send_queries(env, partners[:size], body, mails_count)
                    env.cr.rollback()
                    counts.setdefault(label, {})[f"{shape}_{size}"] = {"queries": queries, "sent": sent}
    return {"sizes": sizes, "counts": counts}


# ---------------------------------------------------------------------------
# Part 3: Emails page at scale
# ---------------------------------------------------------------------------

LINKS_JSONB = '\'["https://example.com/a", "https://example.com/b"]\'::jsonb'
FILLERS = {
    "integer": "g",
    "bigint": "g",
    "numeric": "g",
    "double precision": "g",
    "boolean": "false",
    "jsonb": "'{}'::jsonb",
    "date": "now()::date",
    "timestamp without time zone": "now() at time zone 'UTC'",
}


def insert_generated(cr, table, values, series):
    """INSERT ... SELECT over generate_series; NOT NULL columns the bench does not know
    (added later to the model) get a unique filler so the insert keeps working."""
    cr.execute(
        """
        SELECT column_name, data_type FROM information_schema.columns
         WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
    """,
        [table],
    )
    for column, data_type in cr.fetchall():
        if column not in values:
            values[column] = FILLERS.get(data_type, "md5(random()::text || g::text)")
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM generate_series(1, %s) g",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in values),
            SQL(", ").join(SQL(expression) for expression in values.values()),  # the bench's own SQL
            series,
        )
    )


def generate_history(env, partner, campaign, sends):
    """``sends`` sends, 5 clicks per send, one open per other send and one note per send,
    with SQL only; every event is a person's (so every other send has a first open time)."""
    cr = env.cr
    try:  # skip the foreign-key triggers (rows are consistent by construction); needs superuser
        with cr.savepoint(flush=False):
            cr.execute("SET LOCAL session_replication_role = replica")
    except psycopg2.Error:
        _logger.info("not a superuser: foreign keys are checked while generating (slower)")
    now = "(now() at time zone 'UTC')"
    log = {"create_uid": "1", "write_uid": "1", "create_date": now, "write_date": now}
    insert_generated(
        cr,
        "partner_email_send",
        {
            "partner_id": str(partner.id),
            "campaign_id": str(campaign.id),
            "subject": "'Bench history ' || g",
            "email_to": f"'{partner.email}'",
            "sent_at": f"{now} - g * interval '5 minutes'",
            "state": "CASE WHEN mod(g, 50) = 0 THEN 'failed' ELSE 'sent' END",
            "failure_reason": "CASE WHEN mod(g, 50) = 0 THEN '550 5.1.1 <x@example.com>: User unknown' END",
            "connection_type": "'campaign'",
            # the redirect targets live in a column no field exposes; users read link_urls
            "link_targets": LINKS_JSONB,
            "link_urls": LINKS_JSONB,
            **log,
        },
        sends,
    )
    cr.execute(
        "SELECT min(id), max(id), count(*) FROM partner_email_send WHERE partner_id = %s", [partner.id]
    )
    first, last, count = cr.fetchone()
    assert last - first + 1 == count == sends, "generated sends are not contiguous"
    send_of = f"({first} + (g - 1) / {PAGE_CLICKS_PER_SEND})"
    insert_generated(
        cr,
        "partner_email_click",
        {
            "send_id": send_of,
            "partner_id": str(partner.id),
            "campaign_id": str(campaign.id),
            "url": "CASE WHEN mod(g, 2) = 0 THEN 'https://example.com/a' ELSE 'https://example.com/b' END",
            "clicked_at": (
                f"{now} - ((g - 1) / {PAGE_CLICKS_PER_SEND}) * interval '5 minutes' + interval '2 hours'"
            ),
            "link_index": "mod(g, 2)",
            "is_machine": "false",
            "sync_pending": "false",
            **log,
        },
        sends * PAGE_CLICKS_PER_SEND,
    )
    insert_generated(
        cr,
        "partner_email_open",
        {
            "send_id": f"({first} + (g - 1) * 2 + 1)",
            "partner_id": str(partner.id),
            "opened_at": f"{now} - g * interval '10 minutes'",
            "is_machine": "false",
            "sync_pending": "false",
        },
        sends // 2,
    )
    insert_generated(
        cr,
        "partner_connection_note",
        {
            "partner_id": str(partner.id),
            "date": f"{now} - g * interval '5 minutes'",
            "direction": "'sent'",
            "connection_type": "'campaign'",
            "title": "'Bench history ' || g",
            "send_id": f"({last} - g + 1)",
            **log,
        },
        sends,
    )


def refresh_month_figures(env, partners):
    """What the sync job does for history written by Odoo: the monthly figures of the
    generated history, which SQL alone does not mark stale."""
    env["partner.email.send"].search([("partner_id", "in", partners.ids)])._mark_months_stale()
    while env["partner.email.month"]._refresh_stale_months(batch_size=100):
        pass


def x2many_spec(comodel, subview, field_node):
    spec = {
        "fields": view_fields_spec(comodel, subview),
        "limit": int(subview.get("limit") or CLIENT_X2MANY_LIMIT),
    }
    if subview.get("default_order"):
        spec["order"] = subview.get("default_order")
    if field_node.get("context"):
        spec["context"] = {}
    return spec


def view_fields_spec(model, node):
    """The specification the web client sends for a view arch (getFieldsSpec in
    web/static/src/model/relational_model/utils.js), without evaluating contexts."""
    spec = {}
    for field_node in iter_own_fields(node):
        name = field_node.get("name")
        field = model._fields.get(name)
        if field is None:
            continue
        always_invisible = field_node.get("invisible") in ("1", "True")
        entry = spec.setdefault(name, {})
        if field.type in ("one2many", "many2many"):
            subviews = [child for child in field_node if child.tag in ("list", "kanban")]
            mode = (field_node.get("mode") or "list").split(",")[0]
            subview = next((v for v in subviews if v.tag == mode), subviews[0] if subviews else None)
            if always_invisible:
                continue
            if subview is not None:
                entry.update(x2many_spec(model.env[field.comodel_name], subview, field_node))
            elif field_node.get("widget") in TAG_WIDGETS:
                entry.setdefault("fields", {})["display_name"] = {}
        elif field.type in ("many2one", "reference"):
            entry.setdefault("fields", {})
            if not always_invisible:
                entry["fields"]["display_name"] = {}
    return spec


def iter_own_fields(node):
    """<field> nodes of this view, not those of the x2many subviews it embeds."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            yield child
        elif child.tag in ("list", "kanban", "form"):
            continue
        else:
            yield from iter_own_fields(child)


def form_spec(env, view_ref=None):
    """The web_read specification of a res.partner form (the default one, or ``view_ref``)."""
    partners = env["res.partner"].with_context(form_view_ref=view_ref) if view_ref else env["res.partner"]
    arch = etree.fromstring(partners.get_views([[False, "form"]], {})["views"]["form"]["arch"])
    spec = view_fields_spec(env["res.partner"], arch)
    spec.setdefault("display_name", {})
    return spec


class CallTimeout(Exception):
    pass


def _raise_timeout(signum, frame):
    raise CallTimeout()


def measure(env, func, repeats=PAGE_REPEATS):
    """Best wall time over up to ``repeats`` cold-ORM-cache calls (fewer when a call is slow,
    to bound the bench), the query count, and the JSON size the client would receive.
    A call still running after PAGE_CALL_TIMEOUT seconds is abandoned and reported as such."""
    best, queries, spent = None, None, 0.0
    signal.signal(signal.SIGALRM, _raise_timeout)
    for _i in range(repeats):
        env.invalidate_all()
        count0 = env.cr.sql_log_count
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, PAGE_CALL_TIMEOUT)
        try:
            result = func()
        except CallTimeout:
            env.cr.rollback()
            env.invalidate_all()
            return {
                "ms": 1000 * PAGE_CALL_TIMEOUT,
                "queries": env.cr.sql_log_count - count0,
                "kb": 0,
                "ids": 0,
                "timeout": True,
            }
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        queries = env.cr.sql_log_count - count0
        best = elapsed if best is None else min(best, elapsed)
        spent += elapsed
        if spent > PAGE_TIME_BUDGET:
            break
    return {
        "ms": 1000 * best,
        "queries": queries,
        "kb": len(json.dumps(result, default=str)) / 1024,
        "ids": count_x2many_ids(result),
    }


def count_x2many_ids(result):
    """Number of x2many ids in a web_read / web_search_read answer (what the page ships)."""
    if isinstance(result, dict):
        records = result["records"] if "records" in result else [result.get("value", {})]
    else:
        records = result
    return sum(len(value) for record in records for value in record.values() if isinstance(value, list))


def tab_steps(env):
    """What the web client asks the server once the contact's form is shown (the Emails Sent
    button's counts), when the Emails tab is shown (its summary, then the lists' own form),
    while it stays shown (the poll) and when a sent email is clicked."""
    spec = form_spec(env, LISTS_VIEW)
    return [
        {"step": "button", "kind": "call", "method": "get_email_history_button_counts"},
        {"step": "summary", "kind": "call", "method": "email_history_summary"},
        {"step": "lists", "kind": "web_read", "spec": spec},
        {"step": "poll", "kind": "call", "method": "email_history_poll"},
        {"step": "select a send", "kind": "onchange", "spec": spec},
    ]


def step_call(partner, step, selected_send_id):
    """The RPC of ``step`` on ``partner``, as a callable."""
    if step["kind"] == "web_read":
        return lambda: partner.web_read(step["spec"])
    if step["kind"] == "onchange":
        return lambda: partner.onchange(
            {SELECTED_SEND_FIELD: selected_send_id}, [SELECTED_SEND_FIELD], step["spec"]
        )
    if step["method"] == "email_history_poll":  # the steady state: a poll with a cursor
        cursor = partner.email_history_poll()["cursor"]
        return lambda: partner.email_history_poll(cursor)
    return getattr(partner, step["method"])


def history_counts(cr, partner):
    cr.execute(
        """
        SELECT (SELECT count(*) FROM partner_email_send WHERE partner_id = %(id)s),
               (SELECT count(*) FROM partner_email_click WHERE partner_id = %(id)s),
               (SELECT count(*) FROM partner_email_open o
                  JOIN partner_email_send s ON s.id = o.send_id WHERE s.partner_id = %(id)s),
               (SELECT count(*) FROM partner_connection_note WHERE partner_id = %(id)s)
    """,
        {"id": partner.id},
    )
    return dict(
        zip(
            ("partner_email_send", "partner_email_click", "partner_email_open", "partner_connection_note"),
            cr.fetchone(),
            strict=True,
        )
    )


def admin_env(env):
    admin = env.ref("base.user_admin")
    return odoo.api.Environment(
        env.cr,
        admin.id,
        {
            "lang": "en_US",
            "tz": "UTC",
            "uid": admin.id,
            "allowed_company_ids": [admin.company_id.id],
            "bin_size": True,
        },
    )


def measure_form(user_env, partners):
    """The form's web_read of each of ``partners`` ({label: partner})."""
    form = form_spec(user_env)
    measures = {
        label: measure(
            user_env, lambda p=partner: user_env["res.partner"].browse(p.id).web_read(form), FORM_REPEATS
        )
        for label, partner in partners.items()
    }
    return {"form": measures, "form_fields": len(form)}


def task_page_form(env):
    """Another round of the form's web_read on the contacts task_page created."""
    partners = {
        label: env["res.partner"].search([("name", "=", f"Bench History {label}")], limit=1)
        for label in PAGE_PARTNERS
    }
    return measure_form(admin_env(env), partners)


def task_page(env):
    """The contact form's web_read for PAGE_PARTNERS (the same contacts in the database without
    the addon, where they have no history); with the addon, also the Emails tab's RPCs."""
    sudo_env = env(su=True)
    with_addon = "partner.email.send" in env
    partners = dict(
        zip(
            PAGE_PARTNERS,
            sudo_env["res.partner"].create(
                [
                    {"name": f"Bench History {label}", "email": f"{label}@bench.example.com"}
                    for label in PAGE_PARTNERS
                ]
            ),
            strict=True,
        )
    )
    start = time.perf_counter()
    if with_addon:
        campaign = sudo_env["utm.campaign"].create({"name": "Bench Campaign"})
        generate_history(sudo_env, partners["big"], campaign, PAGE_SENDS)
        generate_history(sudo_env, partners["small"], campaign, SMALL_SENDS)
        refresh_month_figures(sudo_env, partners["big"] | partners["small"])
        # the sync job keeps up in production (every minute): the load of part 1, which ran
        # without it, leaves no backlog of opens and clicks for the summary to look through
        for table in ("partner_email_open", "partner_email_click"):
            env.cr.execute(
                SQL("UPDATE %s SET sync_pending = FALSE WHERE sync_pending", SQL.identifier(table))
            )
        # a durable commit: VACUUM marks a page all-visible only once the commit of its rows
        # is flushed, which the private cluster's asynchronous commits leave for later
        env.cr.execute("SET LOCAL synchronous_commit = on")
        env.cr.commit()
        # what autovacuum does in production after such inserts: statistics and visibility map
        subprocess.run(
            [
                "psql",
                "-q",
                "-d",
                env.cr.dbname,
                "-c",
                "VACUUM ANALYZE partner_email_send, "
                "partner_email_click, partner_email_open, partner_connection_note",
            ],
            check=True,
        )
    generation = time.perf_counter() - start

    env.cr.commit()  # the contacts stay for the next rounds of task_page_form
    user_env = admin_env(env)
    result = measure_form(user_env, partners)
    if not with_addon:
        return result
    rows = []
    for step in tab_steps(user_env):
        row = {key: step[key] for key in ("step", "kind")}
        for label, partner in partners.items():
            # selecting one of the partner's sends; the empty partner, having none, clears it
            selected = sudo_env["partner.email.send"].search([("partner_id", "=", partner.id)], limit=1)
            call = step_call(user_env["res.partner"].browse(partner.id), step, selected.id)
            row[label] = measure(user_env, call)
        rows.append(row)
    return {
        **result,
        "generation_s": generation,
        "timeout_s": PAGE_CALL_TIMEOUT,
        "small_sends": SMALL_SENDS,
        "big_sends": PAGE_SENDS,
        "counts": history_counts(env.cr, partners["big"]),
        "rows": rows,
    }


def main():
    dbname, addons_path, task, *args = sys.argv[1:]
    with open_env(dbname, addons_path) as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if task == "load-setup":
            result = task_load_setup(env, *args)
        elif task == "fresh-setup":
            result = task_fresh_setup(env, *args)
        elif task == "send":
            result = task_send(env)
        elif task == "send-queries":
            result = task_send_queries(env)
        elif task == "page":
            result = task_page(env)
        elif task == "page-form":
            result = task_page_form(env)
        else:
            raise SystemExit(f"unknown task {task}")
        cr.rollback()
    print("BENCH_JSON " + json.dumps(result))


if __name__ == "__main__":
    main()
