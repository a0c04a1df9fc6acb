import { registry } from "@web/core/registry";

const SENDS = ".o_field_widget[name=email_page_send_ids]";
const CLICKS = ".o_field_widget[name=email_filtered_click_ids]";
const NOTES = ".o_field_widget[name=email_page_note_ids]";
const HEADER = ".o_email_history_links_header";
const POPOVER = ".o_email_history_status_popover";
const SERVER_RESPONSE =
    "550 5.1.1 <ann.tour@example.com>: Recipient address rejected: User unknown";

function openSubtab(name) {
    return { content: `Show ${name}`, trigger: `.nav-link[name=${name}]`, run: "click" };
}

/**
 * Expects the partner prepared by tests/test_ui.py: "Spring Sale: Hello" with two clicked links
 * and a scanner's click, "Spring Sale: Newsletter" with one, the failed "Spring Sale: Last
 * chance", "Spring Sale: Reminder" not opened yet, 85 older emails, and connection notes for the
 * failed email and a payment receipt. The test opens Reminder's pixel once the page polls.
 */
registry.category("web_tour.tours").add("partner_email_history_tour", {
    steps: () => [
        {
            content: "Open the Emails page",
            trigger: ".o_form_view .nav-link[name=email_history]",
            run: "click",
        },
        {
            content: "The summary and its chart are at the top",
            trigger: ".o_email_history_figure[data-name=sent] dd:contains(89)",
        },
        {
            trigger: ".o_email_history_figure[data-name=failed] dd:contains(1)",
        },
        {
            trigger: ".o_email_history_chart canvas",
        },
        openSubtab("email_history_sends"),
        {
            content: "The page says it shows only the latest emails",
            trigger: `.o_email_history_list_status[data-list=sends] .o_email_history_capped:contains("Showing the latest 80 of 89")`,
        },
        {
            trigger: `${SENDS} .o_data_row:count(80)`,
        },
        {
            content: "A failed email shows Failed, never Sent",
            trigger: `${SENDS} .o_data_row:contains("Last chance") td[name=sent_at]:contains("Failed")`,
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
            content: "Only a person's clicks: the scanner's is left out",
            trigger: `${CLICKS} .o_data_row:count(2)`,
        },
        {
            trigger: `${CLICKS}:not(:has(.o_data_row:contains("/newsletter")))`,
        },
        {
            content: "Show the machines' clicks too",
            trigger: `.o_email_history_page_switch[data-kind=machine_clicks] button:contains("Include machine clicks")`,
            run: "click",
        },
        {
            content: "The scanner's click is greyed, with its reason",
            trigger: `${CLICKS} .o_data_row.text-muted:contains("link scanner: 2 links within 1 s")`,
        },
        {
            trigger: `${CLICKS} .o_data_row:count(3)`,
        },
        {
            trigger: `.o_email_history_page_switch[data-kind=machine_clicks] button:contains("People's clicks")`,
            run: "click",
        },
        {
            trigger: `${CLICKS} .o_data_row:count(2)`,
        },
        {
            content: "The form was not saved and no dialog opened",
            trigger: ".o_form_view:not(:has(.modal))",
        },
        openSubtab("email_history_sends"),
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
        openSubtab("email_history_clicks"),
        {
            content: "Links Clicked lists every link of a person again",
            trigger: `${CLICKS} .o_data_row:count(3)`,
        },
        {
            trigger: `.o_notebook:not(:has(${HEADER}))`,
        },
        openSubtab("email_history_sends"),
        {
            content: "Open the red icon of the failed message",
            trigger: `${SENDS} .o_data_row:contains("Last chance") .o_email_history_status_failed`,
            run: "click",
        },
        {
            content: "The popover says Failed and shows the server's reply only",
            trigger: `${POPOVER} .o_email_history_status_heading:contains("Failed")`,
        },
        {
            trigger: `${POPOVER} .o_email_history_server_response:contains("${SERVER_RESPONSE}"):not(:contains("SMTPRecipientsRefused"))`,
        },
        {
            content: "The technical detail is for administrators only",
            trigger: `${POPOVER}:not(:has(.o_email_history_detail_toggle))`,
        },
        {
            trigger: `${POPOVER} .o_email_history_recipient:contains("ann.tour@example.com")`,
        },
        {
            content: "Open a message: a read-only dialog titled after it",
            trigger: `${SENDS} .o_data_row:contains("Spring Sale: Hello") .o_list_record_open_form_view`,
            run: "click",
        },
        {
            trigger: `.modal .modal-title:contains("Email to Ann Tour: Spring Sale: Hello")`,
        },
        {
            trigger:
                ".modal .o_form_view:not(:has(.o_form_button_save)):not(:has(input:not([type=checkbox])))",
        },
        {
            content: "Only Close: nothing to save",
            trigger: ".modal .modal-footer:not(:has(.o_form_button_save)) button:contains(Close)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        openSubtab("email_history_notes"),
        {
            content: "Connection notes: grey campaign rows, blue payment rows, same red icon",
            trigger: `${NOTES} .o_data_row.text-info:contains("Receipt")`,
        },
        {
            trigger: `${NOTES} .text-muted:contains("Last chance") .o_email_history_status_failed`,
            run: "click",
        },
        {
            trigger: `${POPOVER} .o_email_history_server_response:contains("${SERVER_RESPONSE}")`,
        },
        openSubtab("email_history_sends"),
        {
            content: "Campaigns only: the older emails without a campaign leave the list",
            trigger: `.o_email_history_page_switch[data-kind=campaigns] button:contains("Campaigns only")`,
            run: "click",
        },
        {
            trigger: `${SENDS} .o_data_row:count(4)`,
        },
        {
            content: "Live: the page shows the open of Reminder a few seconds after it happened",
            trigger: `${SENDS} .o_data_row:contains("Reminder") td[name=opened_at]:contains(20)`,
            timeout: 30000,
        },
        {
            trigger: ".o_email_history_figure[data-name=last_open] dd:not(:contains(—))",
        },
        {
            content: "Back to all emails, then the complete list",
            trigger: `.o_email_history_page_switch[data-kind=campaigns] button:contains("All emails")`,
            run: "click",
        },
        {
            trigger: ".o_email_history_list_status[data-list=sends] .o_email_history_view_all",
            run: "click",
        },
        {
            content: "View all lists every email of the contact",
            trigger: ".o_list_view .o_pager_limit:contains(89)",
        },
        {
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            content: "The smart button counts the failed email apart",
            trigger: ".oe_stat_button:contains(Emails Sent) .o_stat_value:contains(88):contains(1 failed)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_pager_limit:contains(89)",
        },
    ],
});

registry.category("web_tour.tours").add("partner_email_history_company_tour", {
    steps: () => [
        {
            content: "A company's Emails page",
            trigger: ".o_form_view .nav-link[name=email_history]",
            run: "click",
        },
        openSubtab("email_history_sends"),
        {
            content: "It lists its people's emails, with a column for the person",
            trigger: `${SENDS} th:contains(Person)`,
        },
        {
            trigger: `${SENDS} .o_data_row:contains("Spring Sale: Hello") td[name=partner_id]:contains("Ann Tour")`,
        },
        openSubtab("email_history_clicks"),
        {
            trigger: `${CLICKS} .o_data_row td[name=partner_id]:contains("Ann Tour")`,
        },
    ],
});
