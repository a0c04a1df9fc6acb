import { _t } from "@web/core/l10n/translation";
import { FormViewDialog } from "@web/views/view_dialogs/form_view_dialog";

const SEND_MODEL = "partner.email.send";

/** A form dialog without the form's own buttons (Odoo's dialog always shows a Save button). */
export class EmailHistoryReadonlyDialog extends FormViewDialog {
    setup() {
        super.setup();
        this.viewProps.buttonTemplate = "partner_email_history.EmailHistoryReadonlyDialog.Buttons";
    }
}

/**
 * Opens a row of the contact's history in a read-only dialog titled after what it is: a link
 * clicked or a connection note opens the email it belongs to ("Email to Raj Patel: Spring
 * Sale: Hello"), a note without a tracked email opens itself. History is never edited from the
 * contact's page: no Save, no Discard, only Close.
 *
 * @param {{ orm: Object, dialog: Object }} services
 * @param {string} resModel
 * @param {number} resId
 */
export async function openHistoryDialog({ orm, dialog }, resModel, resId) {
    let sendId = resModel === SEND_MODEL ? resId : false;
    let title = "";
    if (!sendId) {
        const specification = { send_id: {} };
        if (resModel === "partner.connection.note") {
            specification.title = {};
        }
        const [row] = await orm.webRead(resModel, [resId], { specification });
        sendId = row.send_id;
        title = row.title
            ? _t("Connection note: %(title)s", { title: row.title })
            : _t("Connection note");
    }
    if (sendId) {
        const [send] = await orm.webRead(SEND_MODEL, [sendId], {
            specification: { display_name: {}, partner_id: { fields: { name: {} } } },
        });
        title = _t("Email to %(person)s: %(email)s", {
            person: send.partner_id.name,
            email: send.display_name,
        });
    }
    dialog.add(EmailHistoryReadonlyDialog, {
        resModel: sendId ? SEND_MODEL : resModel,
        resId: sendId || resId,
        title,
        readonly: true,
        preventEdit: true,
        preventCreate: true,
        canExpand: false,
    });
}
