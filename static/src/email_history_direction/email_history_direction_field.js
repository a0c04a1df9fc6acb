import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const ICONS = { sent: "fa-paper-plane-o", received: "fa-inbox" };

/** Sent/received icon of a connection note. */
export class EmailHistoryDirectionField extends Component {
    static template = "partner_email_history.EmailHistoryDirectionField";
    static props = { ...standardFieldProps };

    get direction() {
        return this.props.record.data[this.props.name];
    }

    get icon() {
        return ICONS[this.direction];
    }

    get label() {
        const selection = this.props.record.fields[this.props.name].selection;
        return selection.find(([value]) => value === this.direction)?.[1] || "";
    }
}

export const emailHistoryDirectionField = {
    component: EmailHistoryDirectionField,
    displayName: _t("Sent/received icon"),
    supportedTypes: ["selection"],
    listViewWidth: 90,
};

registry.category("fields").add("email_history_direction", emailHistoryDirectionField);
