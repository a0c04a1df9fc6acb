import { Component } from "@odoo/owl";
import { getActiveHotkey } from "@web/core/hotkeys/hotkey_service";
import { _t } from "@web/core/l10n/translation";
import { usePopover } from "@web/core/popover/popover_hook";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { EmailHistoryStatusPopover } from "../email_history_status_popover/email_history_status_popover";

/**
 * Info icon on the state of a tracked message (or of a connection note linked to one): grey when
 * the message went out, red when it failed, amber when its delivery was deferred (when the list
 * loads `deferred_reason`). Clicking it shows the message details in a popover.
 */
export class EmailHistoryStatusField extends Component {
    static template = "partner_email_history.EmailHistoryStatusField";
    static props = { ...standardFieldProps };

    setup() {
        this.popover = usePopover(EmailHistoryStatusPopover, { position: "right" });
    }

    get state() {
        return this.props.record.data[this.props.name];
    }

    get isFailed() {
        return this.state === "failed";
    }

    get isDeferred() {
        return this.state === "sent" && Boolean(this.props.record.data.deferred_reason);
    }

    get title() {
        if (this.isFailed) {
            return _t("Failed: click to see the server response");
        }
        return this.isDeferred
            ? _t("Delivery deferred: click to see the server response")
            : _t("Click to see the email details");
    }

    onKeydown(ev) {
        // the key activates this button: the list row must not also handle it
        if (["enter", "space"].includes(getActiveHotkey(ev))) {
            ev.stopPropagation();
        }
    }

    togglePopover(ev) {
        if (this.popover.isOpen) {
            this.popover.close();
            return;
        }
        this.popover.open(ev.currentTarget, {
            resModel: this.props.record.resModel,
            resId: this.props.record.resId,
        });
    }
}

export const emailHistoryStatusField = {
    component: EmailHistoryStatusField,
    displayName: _t("Email status info"),
    supportedTypes: ["selection"],
    listViewWidth: 70,
};

registry.category("fields").add("email_history_status", emailHistoryStatusField);
