import { getActiveHotkey } from "@web/core/hotkeys/hotkey_service";
import { ListRenderer } from "@web/views/list/list_renderer";

const TOGGLE_HOTKEYS = ["enter", "space"];

/**
 * List of the messages sent to a partner: highlights the selected message and lets the keyboard
 * toggle it (Enter/Space on a focused row or cell, or open it from its "View" cell). Row clicks go
 * through `openRecord`, which the owning field turns into a selection toggle.
 */
export class EmailHistorySendsRenderer extends ListRenderer {
    static recordRowTemplate = "partner_email_history.EmailHistorySendsRenderer.RecordRow";
    static props = [...ListRenderer.props, "selectedResId?"];

    isSelectedSend(record) {
        return Boolean(this.props.selectedResId) && record.resId === this.props.selectedResId;
    }

    getRowClass(record) {
        const classNames = super.getRowClass(record);
        return this.isSelectedSend(record)
            ? `${classNames} o_email_history_send_selected`
            : classNames;
    }

    onSendRowKeydown(ev, record) {
        if (ev.target === ev.currentTarget && TOGGLE_HOTKEYS.includes(getActiveHotkey(ev))) {
            ev.preventDefault();
            this.props.openRecord(record);
        }
    }

    onCellKeydownReadOnlyMode(hotkey, cell, group, record) {
        if (record && TOGGLE_HOTKEYS.includes(hotkey)) {
            if (cell.classList.contains("o_list_record_open_form_view")) {
                this.props.onOpenFormView(record);
            } else {
                this.props.openRecord(record);
            }
            return true;
        }
        return super.onCellKeydownReadOnlyMode(hotkey, cell, group, record);
    }
}
