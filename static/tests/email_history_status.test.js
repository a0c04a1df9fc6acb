import { mailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { queryOne, waitUntil } from "@odoo/hoot-dom";
import {
    contains,
    defineModels,
    fields,
    models,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

describe.current.tags("desktop");

const SERVER_RESPONSE = "550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown";
const ODOO_DETAIL = "Mail Delivery Failed\nSMTPRecipientsRefused: {...}";
const REMOTE_IMAGE = "https://images.example.com/banner.png";
const DEFERRAL = "4.4.1 smtp; 451 4.4.1 <eve@example.com>: try again later";

class UtmCampaign extends models.Model {
    _name = "utm.campaign";

    name = fields.Char();

    _records = [{ id: 1, name: "Spring Sale" }];
}

class MailTemplate extends mailModels.MailTemplate {
    name = fields.Char();

    _records = [{ id: 1, name: "Spring Sale template" }];
}

class PartnerEmailSend extends models.Model {
    _name = "partner.email.send";
    _rec_name = "subject";

    campaign_id = fields.Many2one({ relation: "utm.campaign" });
    subject = fields.Char();
    email_to = fields.Char();
    sent_at = fields.Datetime();
    opened_at = fields.Datetime();
    open_count = fields.Integer();
    click_count = fields.Integer();
    state = fields.Selection({
        selection: [
            ["outgoing", "Outgoing"],
            ["sent", "Sent"],
            ["failed", "Failed"],
        ],
    });
    failure_reason = fields.Text();
    deferred_reason = fields.Text();
    untracked_reason = fields.Char();
    template_id = fields.Many2one({ relation: "mail.template" });
    preview_html = fields.Html();

    _records = [
        {
            id: 1,
            campaign_id: 1,
            subject: "Hello",
            email_to: "bob@example.com",
            sent_at: "2025-03-01 09:00:00",
            opened_at: "2025-03-02 10:30:00",
            open_count: 2,
            click_count: 3,
            state: "sent",
            template_id: 1,
            preview_html: `
                <p class="o_preview_text">Dear customer</p>
                <script>window.top.previewScriptRan = true;</script>`,
        },
        {
            id: 2,
            campaign_id: 1,
            subject: "Last chance",
            email_to: "ann@example.com",
            sent_at: "2025-03-08 09:00:00",
            state: "failed",
            failure_reason: `${SERVER_RESPONSE}\n\n${ODOO_DETAIL}`,
            // deferred before it bounced: the failure is what counts
            deferred_reason: "4.2.2 smtp; 452 mailbox full",
            // as the server serves it: the remote image held back
            preview_html: `
                <p class="o_preview_text">Last chance: 20% off today</p>
                <img class="o_preview_image" alt="Banner" data-remote-src="${REMOTE_IMAGE}">`,
        },
        {
            id: 3,
            subject: "Your invoice",
            email_to: "eve@example.com",
            sent_at: "2025-03-09 09:00:00",
            state: "sent",
            deferred_reason: DEFERRAL,
            untracked_reason: "contact opted out",
        },
    ];
}

class PartnerEmailOpen extends models.Model {
    _name = "partner.email.open";

    send_id = fields.Many2one({ relation: "partner.email.send" });
    is_machine = fields.Boolean();
    machine_reason = fields.Char();

    _records = [
        { id: 1, send_id: 1 },
        { id: 2, send_id: 1, is_machine: true, machine_reason: "Apple Mail Privacy Protection" },
        { id: 3, send_id: 1, is_machine: true, machine_reason: "Apple Mail Privacy Protection" },
    ];
}

class PartnerEmailClick extends models.Model {
    _name = "partner.email.click";

    send_id = fields.Many2one({ relation: "partner.email.send" });
    is_machine = fields.Boolean();
    machine_reason = fields.Char();

    _records = [
        { id: 1, send_id: 1, is_machine: true, machine_reason: "link scanner: 2 links within 1 s" },
    ];
}

class PartnerConnectionNote extends models.Model {
    _name = "partner.connection.note";

    title = fields.Char();
    send_id = fields.Many2one({ relation: "partner.email.send" });
    state = fields.Selection({
        related: "send_id.state",
        selection: [
            ["outgoing", "Outgoing"],
            ["sent", "Sent"],
            ["failed", "Failed"],
        ],
    });

    _records = [
        { id: 1, title: "Last chance", send_id: 2 },
        { id: 2, title: "Invoice question" },
    ];
}

defineModels({
    ...mailModels,
    UtmCampaign,
    MailTemplate,
    PartnerEmailSend,
    PartnerEmailOpen,
    PartnerEmailClick,
    PartnerConnectionNote,
});

const ICON = ".o_email_history_status";
const POPOVER = ".o_email_history_status_popover";

function isRed(selector) {
    const [red, green, blue] = getComputedStyle(queryOne(selector)).color.match(/\d+/g).map(Number);
    return red > 150 && green < 110 && blue < 110;
}

function mountList(resModel, arch) {
    onRpc("web_read", ({ model }) => expect.step(`web_read ${model}`));
    return mountView({ type: "list", resModel, arch });
}

function mountSends() {
    return mountList(
        "partner.email.send",
        `<list>
            <field name="subject"/>
            <field name="deferred_reason" column_invisible="1"/>
            <field name="state" widget="email_history_status"/>
        </list>`
    );
}

/** Opens the popover of the send on list row `row`, read once. */
async function openSendPopover(row) {
    await mountSends();
    await contains(`.o_data_row:eq(${row}) ${ICON}`).click();
    expect.verifySteps(["web_read partner.email.send"]);
}

test("grey icon when sent, red when failed", async () => {
    await mountSends();

    expect(`.o_data_row:eq(0) ${ICON}`).not.toHaveClass("o_email_history_status_failed");
    expect(isRed(`.o_data_row:eq(0) ${ICON}`)).toBe(false);
    expect(`.o_data_row:eq(1) ${ICON}`).toHaveClass("o_email_history_status_failed");
    expect(isRed(`.o_data_row:eq(1) ${ICON}`)).toBe(true);
    expect(POPOVER).toHaveCount(0);
    expect.verifySteps([]);
});

test("the red icon's popover says Failed, when it was tried, and the server's reply only", async () => {
    await openSendPopover(1);

    expect(`${POPOVER} h6`).toHaveText("Failed");
    expect(`${POPOVER} .o_email_history_tried_at`).toHaveText(/2025/);
    expect(`${POPOVER} .o_email_history_sent_at`).toHaveCount(0);
    expect(`${POPOVER} .o_email_history_open_count`).toHaveCount(0);
    expect(`${POPOVER} .o_email_history_server_response`).toHaveText(SERVER_RESPONSE);
    expect(`${POPOVER} .o_email_history_server_response`).toHaveClass("font-monospace");
    expect(`${POPOVER} .o_email_history_campaign`).toHaveText("Spring Sale");
    expect(`${POPOVER} .o_email_history_subject`).toHaveText("Last chance");
    expect(`${POPOVER} .o_email_history_recipient`).toHaveText("ann@example.com");
    expect(`${POPOVER} .o_email_history_deferred_reason`).toHaveCount(0);
    // the row was not opened by the click on its icon
    expect(".modal").toHaveCount(0);
});

test("the technical detail is one click away for a technical user", async () => {
    onRpc("has_group", ({ args }) => args[1] === "base.group_no_one");
    await openSendPopover(1);

    expect(`${POPOVER} .o_email_history_failure_detail`).toHaveCount(0);
    await contains(`${POPOVER} .o_email_history_detail_toggle`).click();
    expect(`${POPOVER} .o_email_history_failure_detail`).toHaveText(ODOO_DETAIL);
});

test("a user without the technical group sees the server's reply only", async () => {
    onRpc("has_group", () => false);
    await openSendPopover(1);

    expect(`${POPOVER} .o_email_history_server_response`).toHaveText(SERVER_RESPONSE);
    expect(`${POPOVER} .o_email_history_detail_toggle`).toHaveCount(0);
});

test("machine opens and clicks are listed apart, with their reason", async () => {
    await openSendPopover(0);

    expect(`${POPOVER} .o_email_history_machine_opens`).toHaveText(
        "2 machine open(s): Apple Mail Privacy Protection"
    );
    expect(`${POPOVER} .o_email_history_machine_clicks`).toHaveText(
        "1 machine click(s): link scanner: 2 links within 1 s"
    );
    expect(`${POPOVER} .o_email_history_untracked`).toHaveCount(0);
});

test("the grey icon's popover shows opens, clicks and a sandboxed template preview", async () => {
    await openSendPopover(0);

    expect(`${POPOVER} .o_email_history_server_response`).toHaveCount(0);
    expect(`${POPOVER} .o_email_history_open_count`).toHaveText("2");
    expect(`${POPOVER} .o_email_history_click_count`).toHaveText("3");
    expect(`${POPOVER} .o_email_history_opened_at`).not.toHaveText("—");
    expect(`${POPOVER} .o_email_history_preview_title`).toHaveText(
        "Template: Spring Sale template"
    );
    const preview = queryOne(`${POPOVER} iframe.o_email_history_preview`);
    expect(preview).toHaveAttribute("sandbox", "allow-same-origin");
    // once the preview's script element is parsed, it would have run if scripts were allowed
    await waitUntil(() => preview.contentDocument.querySelector("script"));
    expect(preview.contentDocument.querySelector(".o_preview_text")).toHaveText("Dear customer");
    expect(window.previewScriptRan).toBe(undefined);
    expect(`${POPOVER} script`).toHaveCount(0);

    await contains(`.o_data_row:eq(0) ${ICON}`).click();
    expect(POPOVER).toHaveCount(0);
});

test("a deferred email: amber icon, popover with the server's text", async () => {
    await openSendPopover(2);

    expect(`.o_data_row:eq(2) ${ICON}`).toHaveClass("o_email_history_status_deferred");
    expect(`.o_data_row:eq(2) ${ICON}`).not.toHaveClass("o_email_history_status_failed");
    expect(`.o_data_row:eq(0) ${ICON}`).not.toHaveClass("o_email_history_status_deferred");
    expect(`.o_data_row:eq(1) ${ICON}`).not.toHaveClass("o_email_history_status_deferred");
    expect(`${POPOVER} h6`).toHaveText("Sent, delivery deferred");
    expect(`${POPOVER} .o_email_history_untracked`).toHaveText("Not tracked: contact opted out");
    expect(`${POPOVER} .o_email_history_machine`).toHaveCount(0);
    expect(`${POPOVER} .o_email_history_deferred_reason`).toHaveText(DEFERRAL);
    expect(`${POPOVER} .o_email_history_deferred_reason`).toHaveClass("font-monospace");
    expect(`${POPOVER}`).toHaveText(/Deferred/);
    expect(`${POPOVER} .o_email_history_server_response`).toHaveCount(0);
});

test("without a template, the popover previews the message's own content", async () => {
    await openSendPopover(1);

    expect(`${POPOVER} .o_email_history_preview_title`).toHaveText("Preview");
    const preview = queryOne(`${POPOVER} iframe.o_email_history_preview`);
    expect(preview).toHaveAttribute("sandbox", "allow-same-origin");
    await waitUntil(() => preview.contentDocument.querySelector(".o_preview_text"));
    expect(preview.contentDocument.querySelector(".o_preview_text")).toHaveText(
        "Last chance: 20% off today"
    );
});

test("a preview without remote content has no Show images button", async () => {
    await openSendPopover(0);

    expect(`${POPOVER} iframe.o_email_history_preview`).toHaveCount(1);
    expect(`${POPOVER} .o_email_history_show_images`).toHaveCount(0);
});

test("remote images stay held back, behind a content policy, until Show images", async () => {
    await openSendPopover(1);

    const preview = queryOne(`${POPOVER} iframe.o_email_history_preview`);
    expect(preview.srcdoc).toInclude("Content-Security-Policy");
    expect(preview.srcdoc).toInclude(`data-remote-src="${REMOTE_IMAGE}"`);
    expect(preview.srcdoc).not.toInclude(` src="${REMOTE_IMAGE}"`);
    // the policy leaves the preview's own inline styling alone
    await waitUntil(() => preview.contentDocument.querySelector(".o_preview_text"));
    expect(getComputedStyle(preview.contentDocument.body).fontSize).toBe("13px");

    await contains(`${POPOVER} .o_email_history_show_images`).click();

    const shown = queryOne(`${POPOVER} iframe.o_email_history_preview`);
    expect(shown).toHaveAttribute("sandbox", "allow-same-origin");
    expect(shown.srcdoc).toInclude(` src="${REMOTE_IMAGE}"`);
    expect(shown.srcdoc).not.toInclude("data-remote-src");
    expect(shown.srcdoc).not.toInclude("Content-Security-Policy");
    expect(`${POPOVER} .o_email_history_show_images`).toHaveCount(0);
    // the iframe loads its new document asynchronously
    const image = await waitUntil(() =>
        shown.contentDocument.querySelector(".o_preview_image[src]")
    );
    expect(image).toHaveAttribute("src", REMOTE_IMAGE);
    expect(shown.contentDocument.querySelector(".o_preview_text")).toHaveText(
        "Last chance: 20% off today"
    );
});

test("connection notes show the icon of their tracked email", async () => {
    await mountList(
        "partner.connection.note",
        `<list><field name="title"/><field name="state" widget="email_history_status"/></list>`
    );
    expect(`.o_data_row:eq(1) ${ICON}`).toHaveCount(0);

    await contains(`.o_data_row:eq(0) ${ICON}.o_email_history_status_failed`).click();

    expect.verifySteps(["web_read partner.connection.note"]);
    expect(`${POPOVER} .o_email_history_server_response`).toHaveText(SERVER_RESPONSE);
});
