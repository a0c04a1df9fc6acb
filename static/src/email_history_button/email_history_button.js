import {
    Component,
    onMounted,
    onWillUnmount,
    onWillUpdateProps,
    toRaw,
    useComponent,
    useState,
} from "@odoo/owl";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useBus, useService } from "@web/core/utils/hooks";
import { effect } from "@web/core/utils/reactive";
import { ViewButton } from "@web/views/view_button/view_button";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { HISTORY_CHANGED } from "../email_history_lists/email_history_lists";

/**
 * Calls `onLoaded(record)` once the component is mounted, then whenever the form's record is
 * loaded again or saved, or the form shows another record: when the record's values from the
 * server are replaced, not at each edit.
 */
function useRecordLoads(onLoaded) {
    const component = useComponent();
    let observed = null;
    function observe(record) {
        observed = toRaw(record);
        effect(
            (record) => {
                if (toRaw(record) !== observed) {
                    return; // no longer shown: reading nothing, it stops being observed
                }
                record._values; // read to be told when a load or a save replaces them
                onLoaded(observed);
            },
            [record]
        );
    }
    onMounted(() => observe(component.props.record));
    onWillUpdateProps(({ record }) => {
        if (toRaw(record) !== observed) {
            observe(record);
        }
    });
    onWillUnmount(() => {
        observed = null;
    });
}

/**
 * The contact's "Emails Sent" button: the emails that left, failed ones counted apart ("12 · 2
 * failed"), opening the contact's emails. Its counts are asked for once the form is shown, so
 * that opening a contact reads none of its history; it shows nothing for a contact no email
 * was sent to.
 */
export class EmailHistoryButton extends Component {
    static template = "partner_email_history.EmailHistoryButton";
    static components = { ViewButton };
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ partnerId: false, counts: false });
        this.keepLast = new KeepLast();
        useRecordLoads((record) => this.loadCounts(record.resId));
        useBus(this.env.bus, HISTORY_CHANGED, ({ detail }) => {
            if (detail.partnerId === this.props.record.resId) {
                this.loadCounts(detail.partnerId);
            }
        });
    }

    /** The shown contact's counts: none while those of the contact shown before are kept. */
    get counts() {
        return this.state.partnerId === this.props.record.resId && this.state.counts;
    }

    async loadCounts(partnerId) {
        const counts = await this.keepLast.add(this.fetchCounts(partnerId));
        Object.assign(this.state, { partnerId, counts });
    }

    async fetchCounts(partnerId) {
        if (!partnerId) {
            return false; // a new contact: no email was sent to it
        }
        const counts = await this.orm.silent.call(
            "res.partner",
            "get_email_history_button_counts",
            [[partnerId]]
        );
        return counts[partnerId];
    }

    get clickParams() {
        const partnerId = this.props.record.resId;
        return {
            type: "action",
            name: "partner_email_history.partner_email_send_action",
            context: { search_default_partner_id: partnerId, default_partner_id: partnerId },
        };
    }
}

registry.category("view_widgets").add("email_history_button", { component: EmailHistoryButton });
