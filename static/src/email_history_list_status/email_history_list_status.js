import { Component } from "@odoo/owl";
import { formatInteger } from "@web/views/fields/formatters";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { SELECTED_SEND_FIELD } from "../email_history_selection";

const TOTALS_FIELD = "email_page_totals";

/** What each list of the Emails page is: its rows, its full list and its empty message. */
export const LISTS = {
    sends: {
        action: "partner_email_history.partner_email_send_action",
        field: "email_page_send_ids",
        empty: _t("No email sent to this contact yet."),
        emptyFiltered: _t("No campaign email sent to this contact yet."),
    },
    clicks: {
        action: "partner_email_history.partner_email_click_action",
        field: "email_filtered_click_ids",
        empty: _t("No link clicked by this contact yet."),
        emptyFiltered: _t("No link of this email was clicked."),
    },
    notes: {
        action: "partner_email_history.partner_connection_note_action",
        field: "email_page_note_ids",
        empty: _t("No email exchanged with this contact yet."),
        emptyFiltered: _t("No email exchanged with this contact yet."),
    },
};

/**
 * Under a list of the Emails page: says when the page shows only the latest rows ("Showing the
 * latest 80 of 96") and links to the complete list with the same filters ("View all"), or
 * says why the list is empty. The page has no pager: it would count only what it loaded.
 */
export class EmailHistoryListStatus extends Component {
    static template = "partner_email_history.EmailHistoryListStatus";
    static props = { ...standardWidgetProps, list: { type: String } };

    setup() {
        this.action = useService("action");
    }

    get info() {
        return LISTS[this.props.list];
    }

    get record() {
        return this.props.record;
    }

    get totals() {
        return this.record.data[TOTALS_FIELD] || {};
    }

    get total() {
        return this.totals[this.props.list] || 0;
    }

    get shown() {
        return this.record.data[this.info.field].records.length;
    }

    get isFiltered() {
        const data = this.record.data;
        return this.props.list === "sends"
            ? data.email_page_campaigns_only
            : this.props.list === "clicks" && Boolean(data[SELECTED_SEND_FIELD]);
    }

    get emptyMessage() {
        return this.isFiltered ? this.info.emptyFiltered : this.info.empty;
    }

    get countLabel() {
        const limit = this.totals.count_limit;
        return this.total > limit ? `${formatInteger(limit)}+` : formatInteger(this.total);
    }

    get statusText() {
        if (this.total > this.shown) {
            return _t("Showing the latest %(shown)s of %(total)s", {
                shown: formatInteger(this.shown),
                total: this.countLabel,
            });
        }
        return "";
    }

    get fullListDomain() {
        const data = this.record.data;
        const partnerId = this.record.resId;
        const domain = [["partner_id", data.is_company ? "child_of" : "=", partnerId]];
        if (this.props.list === "sends" && data.email_page_campaigns_only) {
            domain.push(["campaign_id", "!=", false]);
        }
        if (this.props.list === "clicks") {
            if (data[SELECTED_SEND_FIELD]) {
                domain.push(["send_id", "=", data[SELECTED_SEND_FIELD].id]);
            }
            if (!data.email_page_machine_clicks) {
                domain.push(["is_machine", "=", false]);
            }
        }
        return domain;
    }

    async viewAll() {
        const action = await this.action.loadAction(this.info.action);
        await this.action.doAction({
            ...action,
            name: _t("%(list)s: %(contact)s", {
                list: action.name,
                contact: this.record.data.display_name,
            }),
            domain: this.fullListDomain,
            context: {},
        });
    }
}

registry.category("view_widgets").add("email_history_list_status", {
    component: EmailHistoryListStatus,
    extractProps: ({ options }) => ({ list: options.list }),
    fieldDependencies: [
        { name: TOTALS_FIELD, type: "json" },
        { name: "is_company", type: "boolean" },
        { name: "display_name", type: "char" },
    ],
});
