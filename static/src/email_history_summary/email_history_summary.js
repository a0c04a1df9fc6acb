import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { deserializeDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { STATE_COLORS } from "../email_history_colors";
import { HISTORY_CHANGED } from "../email_history_lists/email_history_lists";
import { formatHistoryDate } from "../email_history_date/email_history_date_field";

const CHART_SERIES = [
    { key: "sent", label: _t("Sent"), color: STATE_COLORS.sent },
    { key: "opened", label: _t("Opened"), color: "#017e84" },
    { key: "clicked", label: _t("Clicked"), color: "#714b67" },
];

/**
 * Top of the Emails page: the contact's engagement at a glance (emails sent, delivered, opened,
 * clicked and failed over the last 12 months, last open and click) and a small chart by month,
 * drawn with Odoo's Chart.js bundle loaded only when the page is shown.
 *
 * It also keeps the page live: while the page is shown and the browser tab visible, it asks the
 * server every few seconds whether the contact's history changed (a tiny query on the events
 * newer than the last answer), and then reloads itself and tells the page's lists to reload.
 */
export class EmailHistorySummary extends Component {
    static template = "partner_email_history.EmailHistorySummary";
    static props = { ...standardWidgetProps };
    /** Milliseconds between two questions to the server. */
    static pollInterval = 4000;

    setup() {
        this.orm = useService("orm");
        this.canvasRef = useRef("chart");
        this.state = useState({ summary: null });
        this.cursor = null;
        onWillStart(() => Promise.all([this.loadSummary(), loadBundle("web.chartjs_lib")]));
        onMounted(() => {
            this.renderChart();
            this.poll();
            this.timer = setInterval(() => this.poll(), this.constructor.pollInterval);
        });
        onWillUnmount(() => {
            clearInterval(this.timer);
            this.chart?.destroy();
        });
    }

    get partnerId() {
        return this.props.record.resId;
    }

    async loadSummary() {
        if (this.partnerId) {
            this.state.summary = await this.orm.call("res.partner", "email_history_summary", [
                [this.partnerId],
            ]);
        }
    }

    async poll() {
        if (!this.partnerId || document.visibilityState !== "visible" || this.polling) {
            return;
        }
        this.polling = true;
        try {
            const { cursor, changed } = await this.orm.silent.call(
                "res.partner",
                "email_history_poll",
                [[this.partnerId]],
                { cursor: this.cursor }
            );
            this.cursor = cursor;
            if (changed) {
                await this.refresh();
            }
        } finally {
            this.polling = false;
        }
    }

    async refresh() {
        this.env.bus.trigger(HISTORY_CHANGED, { partnerId: this.partnerId });
        await this.loadSummary();
        this.renderChart();
    }

    get figures() {
        const summary = this.state.summary;
        return [
            { name: "sent", label: _t("Sent"), value: summary.sent },
            { name: "delivered", label: _t("Delivered"), value: summary.delivered },
            { name: "opened", label: _t("Opened"), value: `${summary.opened_rate}%` },
            { name: "clicked", label: _t("Clicked"), value: `${summary.clicked_rate}%` },
            { name: "failed", label: _t("Failed"), value: summary.failed },
            {
                name: "last_open",
                label: _t("Last open"),
                value: formatHistoryDate(summary.last_opened_at) || "—",
            },
            {
                name: "last_click",
                label: _t("Last click"),
                value: formatHistoryDate(summary.last_clicked_at) || "—",
            },
        ];
    }

    get chartConfig() {
        const months = this.state.summary.months;
        return {
            type: "bar",
            data: {
                labels: months.map(({ month }) => deserializeDate(month).toFormat("LLL yy")),
                datasets: CHART_SERIES.map(({ key, label, color }) => ({
                    label: String(label),
                    data: months.map((month) => month[key]),
                    backgroundColor: color,
                    borderRadius: 2,
                })),
            },
            options: {
                animation: false,
                maintainAspectRatio: false,
                plugins: { legend: { position: "right", labels: { boxWidth: 10 } } },
                scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
            },
        };
    }

    renderChart() {
        const canvas = this.canvasRef.el;
        if (!canvas || !this.state.summary) {
            return;
        }
        this.chart?.destroy();
        this.chart = new window.Chart(canvas, this.chartConfig);
    }
}

registry.category("view_widgets").add("email_history_summary", {
    component: EmailHistorySummary,
});
