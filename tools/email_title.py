"""A title for an email written without a subject (pure)."""

from odoo.tools.mail import html_to_inner_content

TITLE_WORDS = 8


def title_from_body(body_html, words=TITLE_WORDS):
    """The first ``words`` words of ``body_html`` as plain text, with an ellipsis when the
    text goes on; empty when the body has no text. A message posted from a contact's
    chatter has no subject: Odoo names its email after the contact, which tells nothing."""
    text_words = html_to_inner_content(body_html or "").split()
    title = " ".join(text_words[:words])
    return f"{title}…" if len(text_words) > words else title
