{
    "name": "Partner Email History - Benchmark Floor",
    "version": "19.0.1.0.0",
    "category": "Hidden",
    "summary": "Bench-only: public routes that answer a GIF and touch no table",
    "author": "Partner Email History contributors",
    "website": "https://github.com/partner-email-history/partner_email_history",
    "license": "LGPL-3",
    "depends": ["web"],
}
