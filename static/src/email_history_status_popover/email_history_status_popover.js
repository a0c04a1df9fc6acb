import { Component, onWillStart } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { useService } from "@web/core/utils/hooks";

export const SEND_MODEL = "partner.email.send";

const SEND_SPECIFICATION = {
    display_name: {},
    campaign_id: { fields: { display_name: {} } },
    subject: {},
    email_to: {},
    sent_at: {},
    opened_at: {},
    open_count: {},
    click_count: {},
    state: {},
    failure_reason: {},
    deferred_reason: {},
    template_id: { fields: { display_name: {} } },
    preview_html: {},
};

/**
 * Details of one tracked message, read when the popover opens. `resModel` is either the message
 * model itself or a model linking to it through `send_id` (connection notes).
 */
export class EmailHistoryStatusPopover extends Component {
    static template = "partner_email_history.EmailHistoryStatusPopover";
    static props = {
        resModel: String,
        resId: Number,
        close: { type: Function, optional: true },
    };

    setup() {
        this.orm = useService("orm");
        onWillStart(() => this.loadSend());
    }

    async loadSend() {
        const isSend = this.props.resModel === SEND_MODEL;
        const specification = isSend
            ? SEND_SPECIFICATION
            : { send_id: { fields: SEND_SPECIFICATION } };
        const [record] = await this.orm.webRead(this.props.resModel, [this.props.resId], {
            specification,
        });
        this.send = isSend ? record : record.send_id;
    }

    get isFailed() {
        return this.send.state === "failed";
    }

    get isDeferred() {
        return this.send.state === "sent" && Boolean(this.send.deferred_reason);
    }

    formatDate(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }
}
