import { mailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { press, queryAllTexts, queryOne } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    Command,
    contains,
    defineModels,
    fields,
    models,
    makeMockServer,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

describe.current.tags("desktop");

class PartnerEmailSend extends models.Model {
    _name = "partner.email.send";
    _rec_name = "subject";

    partner_id = fields.Many2one({ relation: "res.partner" });
    subject = fields.Char();

    _records = [
        { id: 1, subject: "Spring Sale: Hello" },
        { id: 2, subject: "Newsletter: May" },
    ];
    _views = { form: `<form><field name="subject"/></form>` };
}

const CLICKS = [
    { id: 1, send_id: 1, url: "https://example.com/spring" },
    { id: 2, send_id: 2, url: "https://example.com/may" },
    { id: 3, send_id: 2, url: "https://example.com/may/offer" },
];

class PartnerEmailClick extends models.Model {
    _name = "partner.email.click";

    send_id = fields.Many2one({ relation: "partner.email.send" });
    url = fields.Char();

    _records = CLICKS;
}

class ResPartner extends mailModels.ResPartner {
    email_send_ids = fields.One2many({
        relation: "partner.email.send",
        relation_field: "partner_id",
    });
    email_selected_send_id = fields.Many2one({ relation: "partner.email.send" });
    email_filtered_click_ids = fields.Many2many({ relation: "partner.email.click" });

    _onChanges = {
        // mirrors the server: the selected message's clicks, or all of them, as x2many commands
        email_selected_send_id(partner) {
            const sendId = partner.email_selected_send_id;
            const shown = CLICKS.filter((click) => !sendId || click.send_id === sendId).map(
                (click) => click.id
            );
            const current = partner.email_filtered_click_ids;
            partner.email_filtered_click_ids = [
                ...current.filter((id) => !shown.includes(id)).map((id) => Command.unlink(id)),
                ...shown.filter((id) => !current.includes(id)).map((id) => Command.link(id)),
            ];
        },
    };
}

defineModels({ ...mailModels, ResPartner, PartnerEmailSend, PartnerEmailClick });

const PARTNER_ARCH = /* xml */ `
    <form>
        <sheet>
            <field name="email_selected_send_id" invisible="1" readonly="1"/>
            <notebook>
                <page name="email_history_sends" string="Campaign Emails Sent">
                    <field name="email_send_ids" widget="email_history_sends" readonly="1">
                        <list>
                            <field name="display_name"/>
                        </list>
                    </field>
                </page>
                <page name="email_history_clicks" string="Links Clicked">
                    <widget name="email_history_links_clicked_header"/>
                    <field name="email_filtered_click_ids" readonly="1">
                        <list><field name="url"/></list>
                    </field>
                </page>
            </notebook>
        </sheet>
    </form>`;

const SEND_ROWS = "[name=email_send_ids] .o_data_row";
const CLICK_URLS = "[name=email_filtered_click_ids] .o_data_row td[name=url]";
const ACTIVE_TAB = ".o_notebook_headers .nav-link.active";
const HEADER = ".o_email_history_links_header";

async function mountPartner() {
    const { env } = await makeMockServer();
    const partnerId = env["res.partner"].create({
        name: "Ann",
        email_send_ids: [1, 2],
        email_filtered_click_ids: [1, 2, 3],
    });
    onRpc("res.partner", "web_save", () => expect.step("web_save"));
    await mountView({
        type: "form",
        resModel: "res.partner",
        resId: partnerId,
        arch: PARTNER_ARCH,
    });
    // every link is listed before any selection
    await contains(".nav-link[name=email_history_clicks]").click();
    expect(queryAllTexts(CLICK_URLS)).toHaveLength(3);
    await contains(".nav-link[name=email_history_sends]").click();
}

test("clicking a message selects it and shows only its links", async () => {
    await mountPartner();
    expect(`${SEND_ROWS}[aria-selected=true]`).toHaveCount(0);

    await contains(`${SEND_ROWS}:eq(1) td[name=display_name]`).click();

    expect(ACTIVE_TAB).toHaveText("Links Clicked");
    expect(HEADER).toHaveText(/Links clicked in: Newsletter: May/);
    expect(queryAllTexts(CLICK_URLS)).toEqual([
        "https://example.com/may",
        "https://example.com/may/offer",
    ]);
    expect(".modal").toHaveCount(0);
    expect(".o_form_dirty").toHaveCount(0);
    await contains(".nav-link[name=email_history_sends]").click();
    expect(`${SEND_ROWS}:eq(1)`).toHaveClass("o_email_history_send_selected");
    expect(`${SEND_ROWS}:eq(1)`).toHaveAttribute("aria-selected", "true");
    expect(`${SEND_ROWS}:eq(0)`).toHaveAttribute("aria-selected", "false");
    expect.verifySteps([]);
});

test("clicking the selected message again shows every link", async () => {
    await mountPartner();
    await contains(`${SEND_ROWS}:eq(0) td[name=display_name]`).click();
    expect(queryAllTexts(CLICK_URLS)).toEqual(["https://example.com/spring"]);

    await contains(".nav-link[name=email_history_sends]").click();
    await contains(`${SEND_ROWS}:eq(0) td[name=display_name]`).click();

    expect(`${SEND_ROWS}.o_email_history_send_selected`).toHaveCount(0);
    expect(ACTIVE_TAB).toHaveText("Campaign Emails Sent");
    await contains(".nav-link[name=email_history_clicks]").click();
    expect(HEADER).toHaveCount(0);
    expect(queryAllTexts(CLICK_URLS)).toHaveLength(3);
    expect.verifySteps([]);
});

test("the header's control clears the filter", async () => {
    await mountPartner();
    await contains(`${SEND_ROWS}:eq(0) td[name=display_name]`).click();
    expect(queryAllTexts(CLICK_URLS)).toHaveLength(1);

    await contains(`${HEADER} .o_email_history_show_all`).click();

    expect(HEADER).toHaveCount(0);
    expect(queryAllTexts(CLICK_URLS)).toHaveLength(3);
    await contains(".nav-link[name=email_history_sends]").click();
    expect(`${SEND_ROWS}.o_email_history_send_selected`).toHaveCount(0);
});

test("Enter selects and Space deselects the focused message", async () => {
    await mountPartner();
    queryOne(`${SEND_ROWS}:eq(0)`).focus();
    await press("Enter");
    await animationFrame();
    expect(HEADER).toHaveText(/Links clicked in: Spring Sale: Hello/);

    await contains(".nav-link[name=email_history_sends]").click();
    queryOne(`${SEND_ROWS}:eq(0)`).focus();
    await press(" ");
    await animationFrame();
    expect(`${SEND_ROWS}.o_email_history_send_selected`).toHaveCount(0);
});

test("the View button still opens the message", async () => {
    await mountPartner();
    await contains(`${SEND_ROWS}:eq(0) .o_list_record_open_form_view button`).click();

    expect(".modal .o_form_view [name=subject]").toHaveText("Spring Sale: Hello");
    expect(`${SEND_ROWS}.o_email_history_send_selected`).toHaveCount(0);
    expect.verifySteps([]);
});

test("Enter on the View cell opens the message instead of selecting it", async () => {
    await mountPartner();
    queryOne(`${SEND_ROWS}:eq(1) .o_list_record_open_form_view`).focus();
    await press("Enter");
    await animationFrame();

    expect(".modal .o_form_view [name=subject]").toHaveText("Newsletter: May");
    expect(`${SEND_ROWS}.o_email_history_send_selected`).toHaveCount(0);
});
