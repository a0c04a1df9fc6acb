import { Component } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/** Date and time with the year, without seconds: how the Emails page shows every moment. */
export function formatHistoryDate(value) {
    if (!value) {
        return "";
    }
    const date = typeof value === "string" ? deserializeDateTime(value) : value;
    return formatDateTime(date, { showSeconds: false });
}

/**
 * When an email left, read with its state: a failed email shows "Failed" with the time it was
 * tried, never as sent; an email still in the queue shows "Waiting".
 */
export class EmailHistorySentAtField extends Component {
    static template = "partner_email_history.EmailHistorySentAtField";
    static props = { ...standardFieldProps };

    get state() {
        return this.props.record.data.state;
    }

    get date() {
        return formatHistoryDate(this.props.record.data[this.props.name]);
    }

    get label() {
        if (this.state === "failed") {
            return _t("Failed %(date)s", { date: this.date });
        }
        return this.state === "outgoing" ? _t("Waiting to be sent") : this.date;
    }
}

registry.category("fields").add("email_history_sent_at", {
    component: EmailHistorySentAtField,
    displayName: _t("Sent, failed or waiting"),
    supportedTypes: ["datetime"],
    fieldDependencies: [{ name: "state", type: "selection" }],
    listViewWidth: 190,
});
