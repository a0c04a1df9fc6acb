import { useRef } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import {
    EmailHistoryListField,
    emailHistoryListField,
} from "../email_history_list/email_history_list_field";
import { EmailHistorySendsRenderer } from "../email_history_sends_renderer/email_history_sends_renderer";
import { SELECTED_SEND_FIELD, selectSend } from "../email_history_selection";

const LINKS_CLICKED_PAGE = "email_history_clicks";

/**
 * One2many of the messages sent to a partner. Clicking a row (or Enter/Space on it) selects that
 * message on the partner, which filters the "Links Clicked" subtab, and shows that subtab;
 * clicking the selected row again clears the selection. The "View" button of each row opens the
 * message itself, read-only.
 */
export class EmailHistorySendsField extends EmailHistoryListField {
    static template = "partner_email_history.EmailHistorySendsField";
    static components = {
        ...EmailHistoryListField.components,
        ListRenderer: EmailHistorySendsRenderer,
    };

    setup() {
        super.setup();
        this.rootRef = useRef("root");
    }

    get selectedSendId() {
        return this.props.record.data[SELECTED_SEND_FIELD]?.id || false;
    }

    get rendererProps() {
        return {
            ...super.rendererProps,
            hasOpenFormViewButton: true,
            onOpenFormView: (record) => this.openHistoryRecord(record),
            selectedResId: this.selectedSendId,
        };
    }

    async openRecord(record) {
        if (record.resId === this.selectedSendId) {
            await selectSend(this.props.record, false);
            return;
        }
        await selectSend(this.props.record, {
            id: record.resId,
            display_name: record.data.display_name,
        });
        this.showLinksClicked();
    }

    showLinksClicked() {
        // The form's Notebook has no API to activate a page from a field: use its own tab link,
        // and focus it so that keyboard users land on the page they were sent to.
        const notebook = this.rootRef.el?.closest(".o_notebook");
        const tab = notebook?.querySelector(
            `:scope > .o_notebook_headers .nav-link[name="${LINKS_CLICKED_PAGE}"]`
        );
        if (tab) {
            tab.click();
            tab.focus();
        }
    }
}

export const emailHistorySendsField = {
    ...emailHistoryListField,
    component: EmailHistorySendsField,
    displayName: _t("Email history: select a message"),
    supportedTypes: ["one2many", "many2many"],
    fieldDependencies: [
        { name: SELECTED_SEND_FIELD, type: "many2one", relation: "partner.email.send" },
    ],
};

registry.category("fields").add("email_history_sends", emailHistorySendsField);
