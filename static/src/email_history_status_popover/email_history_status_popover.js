import { Component, onWillStart, useState } from "@odoo/owl";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { formatHistoryDate } from "../email_history_date/email_history_date_field";

export const SEND_MODEL = "partner.email.send";
const EVENT_MODELS = { opens: "partner.email.open", clicks: "partner.email.click" };
// The server moves each attribute that would fetch from another server to this prefix + its name
// (tools/email_preview.py REMOTE_PREFIX); "Show images" moves them back.
export const REMOTE_PREFIX = "data-remote-";
// While remote content is held back, the preview may not fetch anything from elsewhere even if an
// attribute slipped through the server's filter; its inline style and local images still apply.
const BLOCK_REMOTE_POLICY =
    '<meta http-equiv="Content-Security-Policy" ' +
    "content=\"default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'\">";

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
    untracked_reason: {},
    template_id: { fields: { display_name: {} } },
    preview_html: {},
};

/**
 * Splits a failure text in what the server answered (its first paragraph: code, enhanced status
 * and text) and the technical detail Odoo recorded after a blank line.
 *
 * @param {string} failureReason
 * @returns {{ reply: string, detail: string }}
 */
export function splitFailure(failureReason) {
    const [reply, ...detail] = (failureReason || "").split("\n\n");
    return { reply: reply.trim(), detail: detail.join("\n\n").trim() };
}

function parseHtml(html) {
    return new DOMParser().parseFromString(html, "text/html");
}

function heldBackAttributes(element) {
    return [...element.attributes].filter((attribute) => attribute.name.startsWith(REMOTE_PREFIX));
}

/**
 * Whether the preview has content held back by the server.
 *
 * @param {string} html
 * @returns {boolean}
 */
export function hasRemoteContent(html) {
    const elements = parseHtml(html).querySelectorAll("*");
    return [...elements].some((element) => heldBackAttributes(element).length);
}

/**
 * The document `html` with each held-back attribute moved back to its own name.
 *
 * @param {string} html
 * @returns {string}
 */
export function restoreRemoteContent(html) {
    const doc = parseHtml(html);
    for (const element of doc.querySelectorAll("*")) {
        for (const { name, value } of heldBackAttributes(element)) {
            element.setAttribute(name.slice(REMOTE_PREFIX.length), value);
            element.removeAttribute(name);
        }
    }
    return doc.documentElement.outerHTML;
}

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
        this.state = useState({ showDetail: false, showImages: false });
        onWillStart(() => this.load());
    }

    async load() {
        const isSend = this.props.resModel === SEND_MODEL;
        const specification = isSend
            ? SEND_SPECIFICATION
            : { send_id: { fields: SEND_SPECIFICATION } };
        const [[record], isTechnical] = await Promise.all([
            this.orm.webRead(this.props.resModel, [this.props.resId], { specification }),
            user.hasGroup("base.group_no_one"),
        ]);
        this.send = isSend ? record : record.send_id;
        this.isTechnical = isTechnical;
        this.failure = splitFailure(this.send?.failure_reason);
        this.hasRemoteContent = hasRemoteContent(this.send?.preview_html || "");
        this.machine = this.send ? await this.loadMachineEvents() : {};
    }

    /** Machine opens and clicks of the message, counted by reason: `{opens: [...], clicks: [...]}`. */
    async loadMachineEvents() {
        const entries = await Promise.all(
            Object.entries(EVENT_MODELS).map(async ([kind, model]) => {
                const groups = await this.orm.formattedReadGroup(
                    model,
                    [
                        ["send_id", "=", this.send.id],
                        ["is_machine", "=", true],
                    ],
                    ["machine_reason"],
                    ["__count"]
                );
                const counts = groups.map((group) => ({
                    reason: group.machine_reason,
                    count: group.__count,
                }));
                return [kind, counts];
            })
        );
        return Object.fromEntries(entries);
    }

    get isFailed() {
        return this.send.state === "failed";
    }

    get isDeferred() {
        return this.send.state === "sent" && Boolean(this.send.deferred_reason);
    }

    get hasMachineEvents() {
        return Boolean(this.machine.opens?.length || this.machine.clicks?.length);
    }

    /**
     * The preview in the page's own font, not the browser's default serif; remote content only
     * once the user asked for it.
     */
    get previewDocument() {
        const font = getComputedStyle(document.body).fontFamily.replaceAll("<", "");
        const html = `<style>body{font-family:${font};font-size:13px;margin:8px;}</style>${this.send.preview_html}`;
        return this.state.showImages ? restoreRemoteContent(html) : BLOCK_REMOTE_POLICY + html;
    }

    formatDate(value) {
        return formatHistoryDate(value);
    }
}
