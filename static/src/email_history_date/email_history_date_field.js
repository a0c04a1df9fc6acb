import { Component } from "@odoo/owl";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const { DateTime } = luxon;

/**
 * A moment as the Emails page shows every moment: in the user's language and time zone, with the
 * year (history spans years: "Nov 15" alone is ambiguous), without seconds.
 */
export function formatHistoryDate(value) {
    if (!value) {
        return "";
    }
    const date = typeof value === "string" ? deserializeDateTime(value) : value;
    return date.setZone("default").toLocaleString(DateTime.DATETIME_MED);
}

/** A datetime column of the Emails page, formatted by `formatHistoryDate`. */
export class EmailHistoryDateField extends Component {
    static template = "partner_email_history.EmailHistoryDateField";
    static props = { ...standardFieldProps };

    get date() {
        return formatHistoryDate(this.props.record.data[this.props.name]);
    }

    get label() {
        return this.date;
    }

    get isFailed() {
        return false;
    }
}

/**
 * When an email left, read with its state: a failed email shows "Failed" with the time it was
 * tried, never as sent; an email still in the queue shows "Waiting to be sent".
 */
export class EmailHistorySentAtField extends EmailHistoryDateField {
    get isFailed() {
        return this.props.record.data.state === "failed";
    }

    get label() {
        if (this.isFailed) {
            return _t("Failed %(date)s", { date: this.date });
        }
        return this.props.record.data.state === "outgoing" ? _t("Waiting to be sent") : this.date;
    }
}

const DATE_COLUMN_WIDTH = 170;

registry.category("fields").add("email_history_date", {
    component: EmailHistoryDateField,
    displayName: _t("Date and time with the year"),
    supportedTypes: ["datetime"],
    listViewWidth: DATE_COLUMN_WIDTH,
});

registry.category("fields").add("email_history_sent_at", {
    component: EmailHistorySentAtField,
    displayName: _t("Sent, failed or waiting"),
    supportedTypes: ["datetime"],
    fieldDependencies: [{ name: "state", type: "selection" }],
    listViewWidth: DATE_COLUMN_WIDTH + 50,
});
