import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { setPageFilter } from "../email_history_selection";

/** The switches of the Emails page: the partner's non-stored field each sets, and its labels. */
export const SWITCHES = {
    campaigns: {
        field: "email_page_campaigns_only",
        label: _t("Show"),
        choices: [
            { value: false, label: _t("All emails") },
            { value: true, label: _t("Campaigns only") },
        ],
    },
    machine_clicks: {
        field: "email_page_machine_clicks",
        label: _t("Clicks"),
        choices: [
            { value: false, label: _t("People's clicks") },
            { value: true, label: _t("Include machine clicks") },
        ],
    },
};

/** Two-choice switch that changes what a list of the Emails page shows, without saving. */
export class EmailHistoryPageSwitch extends Component {
    static template = "partner_email_history.EmailHistoryPageSwitch";
    static props = { ...standardWidgetProps, kind: { type: String } };

    get switch() {
        return SWITCHES[this.props.kind];
    }

    get value() {
        return Boolean(this.props.record.data[this.switch.field]);
    }

    choose(value) {
        if (value !== this.value) {
            return setPageFilter(this.props.record, { [this.switch.field]: value });
        }
    }
}

registry.category("view_widgets").add("email_history_page_switch", {
    component: EmailHistoryPageSwitch,
    extractProps: ({ options }) => ({ kind: options.kind }),
    fieldDependencies: Object.values(SWITCHES).map(({ field }) => ({
        name: field,
        type: "boolean",
    })),
});
