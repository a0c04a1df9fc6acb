import { Component, onWillUpdateProps, useSubEnv } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useBus } from "@web/core/utils/hooks";
import { FormController } from "@web/views/form/form_controller";
import { formView } from "@web/views/form/form_view";
import { getDefaultConfig, View } from "@web/views/view";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { PAGE_FILTER_FIELDS, setPageFilter } from "../email_history_selection";

/** The form of res.partner holding the Emails page's lists. */
export const LISTS_VIEW = "partner_email_history.res_partner_view_form_email_history";
/** Bus event telling that a contact's history changed (payload: `{ partnerId }`). */
export const HISTORY_CHANGED = "partner_email_history:history_changed";

/**
 * The Emails page's lists: a form of the same contact, read only when the page is shown (a
 * notebook mounts its active page alone), so that opening a contact reads none of its history.
 * The lists' filters live on that form's record: choosing one never touches the contact's form.
 */
export class EmailHistoryLists extends Component {
    static template = "partner_email_history.EmailHistoryLists";
    static components = { View };
    static props = { ...standardWidgetProps };

    setup() {
        // a view of its own: it must neither rename the contact's breadcrumb nor change the
        // views of the contact's action
        useSubEnv({ config: getDefaultConfig() });
        this.viewProps = this.makeViewProps(this.props.record.resId);
        onWillUpdateProps(({ record }) => {
            if (record.resId !== this.viewProps.resId) {
                this.viewProps = this.makeViewProps(record.resId);
            }
        });
    }

    makeViewProps(resId) {
        return {
            type: "form",
            resModel: "res.partner",
            resId,
            context: { form_view_ref: LISTS_VIEW },
            display: { controlPanel: false },
        };
    }
}

registry.category("view_widgets").add("email_history_lists", { component: EmailHistoryLists });

/** The lists' form: reloads its lists, keeping their filters, when the history changed. */
export class EmailHistoryListsController extends FormController {
    setup() {
        super.setup();
        useBus(this.env.bus, HISTORY_CHANGED, ({ detail }) => {
            if (detail.partnerId === this.model.root.resId) {
                return this.reloadLists();
            }
        });
    }

    async reloadLists() {
        const record = this.model.root;
        if (await record.isDirty()) {
            return;
        }
        // reloaded, not recomputed by an onchange: an onchange reports no change of a row that
        // is still listed, such as its new open
        const filters = Object.fromEntries(
            PAGE_FILTER_FIELDS.filter((name) => record.data[name]).map((name) => [
                name,
                record.data[name],
            ])
        );
        await record.load();
        if (Object.keys(filters).length) {
            await setPageFilter(record, filters);
        }
    }
}

registry
    .category("views")
    .add("email_history_lists_form", { ...formView, Controller: EmailHistoryListsController });
