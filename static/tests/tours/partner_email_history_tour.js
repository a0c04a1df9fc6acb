import { registry } from "@web/core/registry";

const SENDS = ".o_field_widget[name=email_page_send_ids]";
const CLICKS = ".o_field_widget[name=email_filtered_click_ids]";
const NOTES = ".o_field_widget[name=email_page_note_ids]";
const HEADER = ".o_email_history_links_header";
const POPOVER = ".o_email_history_status_popover";
const SERVER_RESPONSE =
    "550 5.1.1 <ann.tour@example.com>: Recipient address rejected: User unknown";

/**
 * Expects the partner prepared by tests/test_ui.py: "Spring Sale: Hello" with two clicked links,
 * "Spring Sale: Newsletter" with one, the failed "Spring Sale: Last chance", and connection
 * notes for that failed email and for a payment receipt.
 */
registry.category("web_tour.tours").add("partner_email_history_tour", {
    steps: () => [
        {
            content: "Open the Emails page",
            trigger: ".o_form_view .nav-link[name=email_history]",
            run: "click",
        },
        {
            content: "Show the campaign emails sent",
            trigger: ".nav-link[name=email_history_sends]",
            run: "click",
        },
        {
            content: "Select a message",
            trigger: `${SENDS} .o_data_row td[name=display_name]:contains("Spring Sale: Hello")`,
            run: "click",
        },
        {
            content: "Links Clicked is shown, filtered on that message",
            trigger: `.nav-link[name=email_history_clicks].active`,
        },
        {
            trigger: `${HEADER}:contains("Links clicked in: Spring Sale: Hello")`,
        },
        {
            trigger: `${CLICKS} .o_data_row:count(2)`,
        },
        {
            trigger: `${CLICKS}:not(:has(.o_data_row:contains("/newsletter")))`,
        },
        {
            content: "The form was not saved and no dialog opened",
            trigger: ".o_form_view:not(:has(.modal))",
        },
        {
            content: "Back to the messages",
            trigger: ".nav-link[name=email_history_sends]",
            run: "click",
        },
        {
            trigger: `${SENDS} .o_email_history_send_selected:contains("Spring Sale: Hello")`,
        },
        {
            content: "Click the selected message again to deselect it",
            trigger: `${SENDS} .o_data_row td[name=display_name]:contains("Spring Sale: Hello")`,
            run: "click",
        },
        {
            trigger: `${SENDS}:not(:has(.o_email_history_send_selected))`,
        },
        {
            content: "Links Clicked lists every link again",
            trigger: ".nav-link[name=email_history_clicks]",
            run: "click",
        },
        {
            trigger: `${CLICKS} .o_data_row:count(3)`,
        },
        {
            trigger: `.o_notebook:not(:has(${HEADER}))`,
        },
        {
            content: "Open the red icon of the failed message",
            trigger: ".nav-link[name=email_history_sends]",
            run: "click",
        },
        {
            trigger: `${SENDS} .o_data_row:contains("Last chance") .o_email_history_status_failed`,
            run: "click",
        },
        {
            content: "The popover shows the server response",
            trigger: `${POPOVER} .o_email_history_server_response:contains("${SERVER_RESPONSE}")`,
        },
        {
            trigger: `${POPOVER} .o_email_history_recipient:contains("ann.tour@example.com")`,
        },
        {
            content: "Connection notes: grey campaign rows, blue payment rows, same red icon",
            trigger: ".nav-link[name=email_history_notes]",
            run: "click",
        },
        {
            trigger: `${NOTES} .o_data_row.text-info:contains("Receipt")`,
        },
        {
            trigger: `${NOTES} .text-muted:contains("Last chance") .o_email_history_status_failed`,
            run: "click",
        },
        {
            trigger: `${POPOVER} .o_email_history_server_response:contains("${SERVER_RESPONSE}")`,
        },
        {
            content: "The smart button lists the contact's emails",
            trigger: ".oe_stat_button:contains(Emails Sent)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:count(3)",
        },
    ],
});
