import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { X2ManyField, x2ManyField } from "@web/views/fields/x2many/x2many_field";
import { openHistoryDialog } from "../email_history_dialog";

/** A list of the contact's history whose rows open in read-only dialogs. */
export class EmailHistoryListField extends X2ManyField {
    setup() {
        super.setup();
        this.historyServices = { orm: useService("orm"), dialog: useService("dialog") };
    }

    openHistoryRecord(record) {
        return openHistoryDialog(this.historyServices, record.resModel, record.resId);
    }

    async openRecord(record) {
        return this.openHistoryRecord(record);
    }
}

export const emailHistoryListField = {
    ...x2ManyField,
    component: EmailHistoryListField,
    displayName: _t("Email history list (read-only)"),
    supportedTypes: ["one2many", "many2many"],
};

registry.category("fields").add("email_history_list", emailHistoryListField);
