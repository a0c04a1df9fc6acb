import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";
import { STATE_COLORS } from "../../email_history_colors";

/** Graph of the emails sent, coloured by state as the Emails page colours them. */
export class EmailHistoryGraphRenderer extends GraphRenderer {
    getBarChartData() {
        const data = super.getBarChartData();
        const { groupBy, fields } = this.model.metaData;
        if (!groupBy.some((groupBy) => groupBy.fieldName === "state")) {
            return data;
        }
        const colorByLabel = Object.fromEntries(
            fields.state.selection.map(([value, label]) => [label, STATE_COLORS[value]])
        );
        for (const dataset of data.datasets) {
            if (colorByLabel[dataset.label]) {
                dataset.backgroundColor = colorByLabel[dataset.label];
            }
        }
        return data;
    }
}

registry.category("views").add("email_history_graph", {
    ...graphView,
    Renderer: EmailHistoryGraphRenderer,
});
