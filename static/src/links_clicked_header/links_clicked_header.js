import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { SELECTED_SEND_FIELD, selectSend } from "../email_history_selection";

/** Tells which message the "Links Clicked" list is filtered on, with a control to show all. */
export class LinksClickedHeader extends Component {
    static template = "partner_email_history.LinksClickedHeader";
    static props = { ...standardWidgetProps };

    get selectedSend() {
        return this.props.record.data[SELECTED_SEND_FIELD];
    }

    showAll() {
        return selectSend(this.props.record, false);
    }
}

registry.category("view_widgets").add("email_history_links_clicked_header", {
    component: LinksClickedHeader,
    fieldDependencies: [
        { name: SELECTED_SEND_FIELD, type: "many2one", relation: "partner.email.send" },
    ],
});
