/** Name of the partner's non-stored field holding the message selected on the Emails page. */
export const SELECTED_SEND_FIELD = "email_selected_send_id";

/**
 * Sets (or clears, with `send` false) the message selected on the partner record. The server
 * recomputes the filtered "Links Clicked" list through the onchange; nothing is saved.
 *
 * @param {import("@web/model/relational_model/record").Record} partner
 * @param {{ id: number, display_name: string } | false} send
 */
export async function selectSend(partner, send) {
    const wasDirty = await partner.isDirty();
    await partner.update({ [SELECTED_SEND_FIELD]: send });
    if (!wasDirty) {
        // Selecting only filters what the form shows (the field is readonly, never written):
        // it must neither flag the contact as modified nor trigger an autosave when leaving.
        partner.dirty = false;
    }
}
