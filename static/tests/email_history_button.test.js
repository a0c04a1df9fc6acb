import { mailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { animationFrame, Deferred } from "@odoo/hoot-mock";
import {
    contains,
    defineModels,
    mockService,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

describe.current.tags("desktop");

class ResPartner extends mailModels.ResPartner {}

defineModels({ ...mailModels, ResPartner });

const COUNTS = "get_email_history_button_counts";
const BUTTON = ".o-form-buttonbox .o_widget_email_history_button .oe_stat_button";
const ARCH = /* xml */ `
    <form>
        <sheet>
            <div name="button_box">
                <widget name="email_history_button"/>
            </div>
            <field name="name"/>
        </sheet>
    </form>`;

function addContacts(...names) {
    ResPartner._records.push(...names.map((name, index) => ({ id: 30 + index, name })));
}

/** Answers the counts RPC with `countsById` (or its promise), recording each call. */
function mockCounts(countsById) {
    onRpc("res.partner", COUNTS, ({ args }) => {
        expect.step(`counts of ${args[0]}`);
        return countsById;
    });
}

test("the button shows its counts once the form is shown, and opens the contact's emails", async () => {
    addContacts("Raj Patel");
    const counts = new Deferred();
    let closeAction;
    onRpc("res.partner", "web_read", () => expect.step("web_read"));
    mockCounts(counts);
    mockService("action", {
        doActionButton({ type, name, buttonContext, onClose }) {
            expect.step(`${type} ${name} ${JSON.stringify(buttonContext)}`);
            closeAction = onClose;
        },
    });
    await mountView({ type: "form", resModel: "res.partner", resId: 30, arch: ARCH });
    await animationFrame();

    expect(".o_field_widget[name=name] input").toHaveValue("Raj Patel");
    expect(BUTTON).toHaveCount(0);
    expect.verifySteps(["web_read", "counts of 30"]);

    counts.resolve({ 30: { sent: "12", failed: "2" } });
    await animationFrame();
    expect(`${BUTTON} .o_stat_value`).toHaveText("12 · 2 failed");
    expect(`${BUTTON} .o_email_history_failed_count`).toHaveClass("text-danger");
    expect(`${BUTTON} .o_stat_text`).toHaveText("Emails Sent");
    expect(`${BUTTON} .fa-envelope-o`).toHaveCount(1);

    await contains(BUTTON).click();
    // the form saves the contact before running a button, with nothing to save: not a reload
    expect.verifySteps([
        'action partner_email_history.partner_email_send_action {"search_default_partner_id":30,"default_partner_id":30}',
    ]);
    // back from the list, the form reads the contact again, and the button its counts
    await closeAction();
    await animationFrame();
    expect.verifySteps(["web_read", "counts of 30"]);
});

test("no failure, no failed count", async () => {
    addContacts("Raj Patel");
    mockCounts({ 30: { sent: "1000+", failed: false } });
    await mountView({ type: "form", resModel: "res.partner", resId: 30, arch: ARCH });
    await animationFrame();

    expect(`${BUTTON} .o_stat_value`).toHaveText("1000+");
    expect(`${BUTTON} .o_email_history_failed_count`).toHaveCount(0);
    expect.verifySteps(["counts of 30"]);
});

test("a contact no email was sent to has no button", async () => {
    addContacts("Quiet Contact");
    mockCounts({ 30: false });
    await mountView({ type: "form", resModel: "res.partner", resId: 30, arch: ARCH });
    await animationFrame();

    expect.verifySteps(["counts of 30"]);
    expect(".o_widget_email_history_button .oe_stat_button").toHaveCount(0);
    expect(".o_widget_email_history_button").not.toBeVisible();
});

test("a new contact asks for no count", async () => {
    mockCounts({});
    await mountView({ type: "form", resModel: "res.partner", arch: ARCH });
    await animationFrame();

    expect(".o_widget_email_history_button .oe_stat_button").toHaveCount(0);
    expect.verifySteps([]);
});

test("the counts follow the contact shown, and are asked again once it is saved", async () => {
    addContacts("Raj Patel", "Ann Tour");
    mockCounts({ 30: { sent: "3", failed: false }, 31: { sent: "5", failed: "1" } });
    await mountView({
        type: "form",
        resModel: "res.partner",
        resId: 30,
        resIds: [30, 31],
        arch: ARCH,
    });
    await animationFrame();
    expect(`${BUTTON} .o_stat_value`).toHaveText("3");
    expect.verifySteps(["counts of 30"]);

    await contains(".o_pager_next").click();
    await animationFrame();
    expect(`${BUTTON} .o_stat_value`).toHaveText("5 · 1 failed");
    expect.verifySteps(["counts of 31"]);

    await contains(".o_field_widget[name=name] input").edit("Ann Tour-Smith");
    await animationFrame();
    expect.verifySteps([]);
    await contains(".o_form_button_save").click();
    await animationFrame();
    expect.verifySteps(["counts of 31"]);
});

function buttonBoxArch(buttonCount) {
    const buttons = [...Array(buttonCount).keys()]
        .map((index) => `<button name="action_${index}" type="object" string="Button ${index}"/>`)
        .join("");
    return ARCH.replace("<widget", `${buttons}<widget`);
}

test("without email sent, the button box ends on its last button", async () => {
    addContacts("Quiet Contact");
    mockCounts({ 30: false });
    await mountView({ type: "form", resModel: "res.partner", resId: 30, arch: buttonBoxArch(2) });
    await animationFrame();

    expect.verifySteps(["counts of 30"]);
    expect(".o-form-buttonbox > .o_widget_email_history_button").toHaveStyle({ display: "none" });
    expect(".o-form-buttonbox > button[name=action_1]").toHaveStyle({
        "border-top-right-radius": /^[1-9]/,
    });
});

test("without email sent, the button box's More dropdown has no blank item", async () => {
    addContacts("Quiet Contact");
    mockCounts({ 30: false });
    await mountView({ type: "form", resModel: "res.partner", resId: 30, arch: buttonBoxArch(8) });
    await animationFrame();
    expect.verifySteps([]); // the dropdown's buttons are there once it is open

    await contains(".o-form-buttonbox .o_button_more").click();
    await animationFrame();
    expect.verifySteps(["counts of 30"]);
    expect(".o_dropdown_more .o-dropdown-item:has(.o_widget_email_history_button)").toHaveStyle({
        display: "none",
    });
    expect(".o_dropdown_more .o-dropdown-item:visible:last").toHaveText("Button 7");
});
