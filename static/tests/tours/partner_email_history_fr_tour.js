import { registry } from "@web/core/registry";

const SENDS = ".o_field_widget[name=email_page_send_ids]";

/**
 * The Emails page of the demo contact Raj Patel for a user working in French, as prepared by
 * tests/test_ui_fr.py: tab, subtab and column labels, the status icon's tooltip and the status
 * popover of his rejected "Meet the Trailhead Collection" email read in French.
 */
registry.category("web_tour.tours").add("partner_email_history_fr_tour", {
    steps: () => [
        {
            content: "Open the Emails page, labelled in French",
            trigger: '.o_form_view .nav-link[name=email_history]:contains("E-mails")',
            run: "click",
        },
        {
            trigger: '.nav-link[name=email_history_clicks]:contains("Liens cliqués")',
        },
        {
            trigger: `.nav-link[name=email_history_notes]:contains("Notes d'interaction")`,
        },
        {
            content: "Show the campaign emails sent",
            trigger: '.nav-link[name=email_history_sends]:contains("E-mails de campagne envoyés")',
            run: "click",
        },
        {
            trigger: `${SENDS} th:contains("Campagne : Sujet")`,
        },
        {
            content: "Open the status of the rejected email from its French tooltip",
            trigger: `${SENDS} .o_data_row:contains("Trailhead") td[name=state] button[title^="Échec : cliquez"]`,
            run: "click",
        },
        {
            content: "The status popover reads in French",
            trigger: '.o_popover .o_email_history_status_heading:contains("Échec")',
        },
        {
            trigger: '.o_popover:contains("Tenté"):contains("Réponse du serveur")',
        },
    ],
});
