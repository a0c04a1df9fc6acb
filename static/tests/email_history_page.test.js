import { mailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { queryAllTexts, waitFor } from "@odoo/hoot-dom";
import { advanceTime, animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    defineModels,
    fields,
    MockServer,
    mockService,
    models,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

describe.current.tags("desktop");

const SENDS = [
    {
        id: 1,
        partner_id: 3,
        subject: "Hello",
        campaign_id: 1,
        state: "sent",
        sent_at: "2025-03-01 09:00:00",
    },
    {
        id: 2,
        partner_id: 3,
        subject: "Your quotation",
        state: "failed",
        sent_at: "2025-03-02 10:00:00",
    },
    { id: 3, partner_id: 3, subject: "Spring Sale: Last", campaign_id: 1, state: "outgoing" },
];

class PartnerEmailSend extends models.Model {
    _name = "partner.email.send";
    _rec_name = "subject";

    partner_id = fields.Many2one({ relation: "res.partner" });
    campaign_id = fields.Integer();
    subject = fields.Char();
    sent_at = fields.Datetime();
    state = fields.Selection({
        selection: [
            ["outgoing", "Outgoing"],
            ["sent", "Sent"],
            ["failed", "Failed"],
        ],
    });

    _records = SENDS;
    _views = { form: `<form><field name="subject"/><field name="state"/></form>` };
}

class PartnerEmailClick extends models.Model {
    _name = "partner.email.click";

    send_id = fields.Many2one({ relation: "partner.email.send" });
    url = fields.Char();
    is_machine = fields.Boolean();

    _records = [
        { id: 1, send_id: 1, url: "https://example.com/spring" },
        { id: 2, send_id: 1, url: "https://example.com/unsubscribe", is_machine: true },
    ];
}

const LISTS_VIEW = "partner_email_history.res_partner_view_form_email_history";
const LISTS_ARCH = /* xml */ `
    <form js_class="email_history_lists_form">
        <field name="email_page_campaigns_only" invisible="1"/>
        <field name="email_page_totals" invisible="1"/>
        <widget name="email_history_page_switch" options="{'kind': 'campaigns'}"/>
        <field name="email_page_send_ids" readonly="1">
            <list><field name="subject"/></list>
        </field>
        <widget name="email_history_list_status" options="{'list': 'sends'}"/>
    </form>`;
class ResPartner extends mailModels.ResPartner {
    email_page_send_ids = fields.Many2many({ relation: "partner.email.send" });
    email_filtered_click_ids = fields.Many2many({ relation: "partner.email.click" });
    email_selected_send_id = fields.Many2one({ relation: "partner.email.send" });
    email_page_campaigns_only = fields.Boolean();
    email_page_machine_clicks = fields.Boolean();
    email_page_totals = fields.Json();

    _views = { [`form,${LISTS_VIEW}`]: LISTS_ARCH };

    _onChanges = {
        email_page_campaigns_only(partner) {
            const shown = SENDS.filter(
                (send) => !partner.email_page_campaigns_only || send.campaign_id
            );
            partner.email_page_send_ids = [[6, 0, shown.map((send) => send.id)]];
            partner.email_page_totals = { ...partner.email_page_totals, sends: shown.length };
        },
    };
}

defineModels({ ...mailModels, ResPartner, PartnerEmailSend, PartnerEmailClick });

const ARCH = /* xml */ `
    <form>
        <sheet>
            <field name="is_company" invisible="1"/>
            <field name="email_page_campaigns_only" invisible="1"/>
            <field name="email_page_totals" invisible="1"/>
            <widget name="email_history_page_switch" options="{'kind': 'campaigns'}"/>
            <field name="email_page_send_ids" widget="email_history_list" readonly="1">
                <list>
                    <field name="subject"/>
                    <field name="sent_at" widget="email_history_sent_at"/>
                </list>
            </field>
            <widget name="email_history_list_status" options="{'list': 'sends'}"/>
            <field name="email_filtered_click_ids" widget="email_history_list" readonly="1">
                <list><field name="url"/></list>
            </field>
            <widget name="email_history_list_status" options="{'list': 'clicks'}"/>
        </sheet>
    </form>`;

async function mountPartner(values) {
    onRpc("res.partner", "web_save", () => expect.step("web_save"));
    const partner = {
        id: 3,
        name: "Raj Patel",
        email_page_send_ids: [1, 2],
        email_filtered_click_ids: [],
        email_page_totals: { sends: 3, clicks: 0, notes: 0, limit: 2, count_limit: 1000 },
        ...values,
    };
    ResPartner._records.push(partner);
    await mountView({ type: "form", resModel: "res.partner", resId: 3, arch: ARCH });
}

test("a capped list says so and links to the complete list with its filters", async () => {
    mockService("action", {
        async loadAction(xmlId) {
            expect.step(xmlId);
            return {
                type: "ir.actions.act_window",
                name: "Emails Sent",
                res_model: "partner.email.send",
            };
        },
        doAction(action) {
            expect.step(JSON.stringify(action.domain));
            expect(action.name).toBe("Emails Sent: Raj Patel");
        },
    });
    await mountPartner();

    expect(".o_email_history_list_status[data-list=sends] .o_email_history_capped").toHaveText(
        "Showing the latest 2 of 3"
    );
    await contains(
        ".o_email_history_list_status[data-list=sends] .o_email_history_view_all"
    ).click();
    expect.verifySteps([
        "partner_email_history.partner_email_send_action",
        JSON.stringify([["partner_id", "=", 3]]),
    ]);
});

test("an empty list says why instead of showing blank rows", async () => {
    await mountPartner();

    expect(".o_email_history_list_status[data-list=clicks] .o_email_history_empty").toHaveText(
        "No link clicked by this contact yet."
    );
    expect(".o_email_history_list_status[data-list=sends] .o_email_history_empty").toHaveCount(0);
});

test("a failed email shows Failed with its time, a queued one Waiting, never Sent", async () => {
    await mountPartner({ email_page_send_ids: [1, 2, 3] });

    const cells = queryAllTexts(".o_field_widget[name=email_page_send_ids] td[name=sent_at]");
    expect(cells[0]).toMatch(/^Mar 1, 2025/);
    expect(cells[1]).toMatch(/^Failed Mar 2, 2025/);
    expect(cells[2]).toBe("Waiting to be sent");
    expect(".o_field_widget[name=email_page_send_ids] td[name=sent_at] .text-danger").toHaveCount(
        1
    );
});

test("the campaigns switch filters the list without saving the contact", async () => {
    await mountPartner();

    expect(".o_email_history_page_switch button.active").toHaveText("All emails");
    await contains(".o_email_history_page_switch button:contains(Campaigns only)").click();
    expect(".o_email_history_page_switch button.active").toHaveText("Campaigns only");
    expect(".o_field_widget[name=email_page_send_ids] .o_data_row").toHaveCount(2);
    expect(".o_email_history_list_status[data-list=sends] .o_email_history_capped").toHaveCount(0);
    expect.verifySteps([]);
});

test("a row opens in a read-only dialog titled after the email", async () => {
    await mountPartner();

    await contains(
        ".o_field_widget[name=email_page_send_ids] .o_data_row:eq(0) td[name=subject]"
    ).click();
    expect(".modal .modal-title").toHaveText("Email to Raj Patel: Hello");
    expect(".modal .o_form_button_save").toHaveCount(0);
    expect(".modal .o_field_widget[name=subject] input").toHaveCount(0);
    await contains(".modal-footer button:contains(Close)").click();
    expect(".modal").toHaveCount(0);
    expect.verifySteps([]);
});

const CONTACT_ARCH = /* xml */ `
    <form>
        <sheet>
            <field name="name"/>
            <notebook>
                <page name="internal_notes" string="Internal Notes"/>
                <page name="email_history" string="Emails">
                    <widget name="email_history_summary"/>
                    <widget name="email_history_lists"/>
                </page>
            </notebook>
        </sheet>
    </form>`;

function mockSummary() {
    onRpc("res.partner", "email_history_summary", () => ({
        sent: 12,
        delivered: 11,
        failed: 1,
        opened: 6,
        clicked: 2,
        opened_rate: 55,
        clicked_rate: 18,
        last_opened_at: "2025-03-02 10:00:00",
        last_clicked_at: false,
        months: [{ month: "2025-03-01", sent: 12, opened: 6, clicked: 2 }],
    }));
}

test("the lists are read only once the Emails page is shown, and filtering never saves", async () => {
    mockSummary();
    onRpc("res.partner", "email_history_poll", () => ({ cursor: {}, changed: false }));
    onRpc("res.partner", "web_save", () => expect.step("web_save"));
    onRpc("res.partner", "web_read", ({ kwargs }) => {
        const lists = "email_page_send_ids" in kwargs.specification;
        expect.step(`web_read ${lists ? "with" : "without"} the lists`);
    });
    await mountView({
        type: "form",
        resModel: "res.partner",
        resId: serverPartner().id,
        arch: CONTACT_ARCH,
    });
    expect.verifySteps(["web_read without the lists"]);

    await contains(".nav-link[name=email_history]").click();
    // the page shows once its summary has loaded the chart library
    await waitFor(".o_email_history_capped", { timeout: 3000 });
    expect.verifySteps(["web_read with the lists"]);
    expect(".o_email_history_capped").toHaveText("Showing the latest 2 of 3");
    await contains(".o_email_history_page_switch button:contains(Campaigns only)").click();
    expect(".o_field_widget[name=email_page_send_ids] .o_data_row").toHaveCount(2);
    expect(".o_form_dirty").toHaveCount(0);
    await contains(".nav-link[name=internal_notes]").click();
    expect.verifySteps([]);
});

test("the summary shows the figures and refreshes the page when the history changes", async () => {
    let changed = false;
    mockSummary();
    onRpc("res.partner", "email_history_poll", ({ kwargs }) => {
        expect.step(`poll ${JSON.stringify(kwargs.cursor)}`);
        return { cursor: { open: changed ? 2 : 1 }, changed };
    });
    await mountView({
        type: "form",
        resModel: "res.partner",
        resId: serverPartner().id,
        arch: `<form>
            <widget name="email_history_summary"/>
            <widget name="email_history_lists"/>
        </form>`,
    });

    expect(".o_email_history_figure[data-name=opened] dd").toHaveText("55%");
    expect(".o_email_history_figure[data-name=failed] dd").toHaveClass("text-danger");
    expect(".o_email_history_figure[data-name=last_click] dd").toHaveText("—");
    expect(".o_email_history_chart canvas").toHaveCount(1);
    expect(".o_email_history_capped").toHaveText("Showing the latest 2 of 3");
    expect.verifySteps(["poll null"]);
    MockServer.env["res.partner"].write([3], {
        email_page_totals: { sends: 4, limit: 2, count_limit: 1000 },
    });
    changed = true;
    await advanceTime(4000);
    await animationFrame();
    expect.verifySteps(['poll {"open":1}']);
    await animationFrame();
    expect(".o_email_history_capped").toHaveText("Showing the latest 2 of 4");
});

function serverPartner() {
    const partner = {
        id: 3,
        name: "Raj Patel",
        email_page_send_ids: [1, 2],
        email_page_totals: { sends: 3, limit: 2, count_limit: 1000 },
    };
    ResPartner._records.push(partner);
    return partner;
}
