{
    "name": "Partner Email History",
    "version": "19.0.1.2.0",
    "category": "Marketing/Email Marketing",
    "summary": "Per-contact Emails page: campaign sends, opens, link clicks and connection notes",
    "author": "Partner Email History contributors",
    "maintainers": ["partner-email-history"],
    "license": "LGPL-3",
    "images": ["static/description/screenshot_emails.png"],
    "depends": ["mail", "contacts", "utm"],
    "data": [
        "security/partner_email_history_groups.xml",
        "security/ir.model.access.csv",
        "security/partner_email_history_rules.xml",
        "data/partner_email_connection_type_data.xml",
        "data/partner_email_history_data.xml",
        "data/ir_cron_data.xml",
        "data/partner_email_machine_agent_data.xml",
        "views/partner_email_send_views.xml",
        "views/partner_email_click_views.xml",
        "views/partner_connection_note_views.xml",
        "views/res_partner_views.xml",
        "views/partner_email_machine_agent_views.xml",
        "views/partner_email_history_menus.xml",
        "views/partner_email_connection_type_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/partner_email_history_demo.xml",
    ],
    "assets": {
        # every widget folder, not static/src/lazy: the web client loads graph views (and
        # this addon's graph view) lazily, with their Chart.js
        "web.assets_backend": [
            "partner_email_history/static/src/*.js",
            "partner_email_history/static/src/*.xml",
            "partner_email_history/static/src/*/*",
        ],
        "web.assets_backend_lazy": [
            "partner_email_history/static/src/lazy/**/*",
        ],
        "web.assets_unit_tests": [
            "partner_email_history/static/tests/**/*.test.js",
        ],
        "web.assets_tests": [
            "partner_email_history/static/tests/tours/**/*",
        ],
    },
}
