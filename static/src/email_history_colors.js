/** The colours of the Emails page's states, also used by its charts: failed red, sent grey. */
export const STATE_COLORS = { failed: "#dc3545", sent: "#adb5bd", outgoing: "#ffc107" };
