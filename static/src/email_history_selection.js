/** Name of the partner's non-stored field holding the message selected on the Emails page. */
export const SELECTED_SEND_FIELD = "email_selected_send_id";
/** The partner's non-stored fields that choose what the Emails page's lists show. */
export const PAGE_FILTER_FIELDS = [
    SELECTED_SEND_FIELD,
    "email_page_campaigns_only",
    "email_page_machine_clicks",
];

/**
 * Changes what the Emails page shows (non-stored fields of the partner, such as the selected
 * message or a switch): the server recomputes the page's lists through the onchange; nothing is
 * saved.
 *
 * @param {import("@web/model/relational_model/record").Record} partner
 * @param {Object} changes
 */
export async function setPageFilter(partner, changes) {
    const wasDirty = await partner.isDirty();
    await partner.update(changes);
    if (!wasDirty) {
        // Choosing only filters what the form shows (the fields are readonly, never written):
        // it must neither flag the contact as modified nor trigger an autosave when leaving.
        partner.dirty = false;
    }
}

/**
 * Sets (or clears, with `send` false) the message selected on the partner record, which filters
 * the "Links Clicked" list.
 *
 * @param {import("@web/model/relational_model/record").Record} partner
 * @param {{ id: number, display_name: string } | false} send
 */
export function selectSend(partner, send) {
    return setPageFilter(partner, { [SELECTED_SEND_FIELD]: send });
}
