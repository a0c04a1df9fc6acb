from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools import ANY_HIT, CLICK_HIT, CONTAINS, EXACT, OPEN_HIT, AgentRule, build_matcher, classify_hit


class PartnerEmailMachineAgent(models.Model):
    """User-Agents telling that an email open or link click was made by a machine (a bot,
    a link scanner, a privacy prefetch...), or, for image proxies, by a person. The first
    line that matches, by sequence, decides."""

    _name = "partner.email.machine.agent"
    _inherit = ["partner.email.cached.setting.mixin"]
    _description = "Email Open and Click User-Agent"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(
        string="User-Agent",
        required=True,
        help="Part of the User-Agent sent by the browser or program (case does not matter), "
        "or the whole User-Agent when the match is exact.",
    )
    reason = fields.Char(
        required=True,
        translate=True,
        help="Why an open or click from this User-Agent is not a person's, as shown on the "
        "contact's Emails page (for a line counting as a person: what sends it).",
    )
    kind = fields.Selection(
        [(ANY_HIT, "Opens and clicks"), (OPEN_HIT, "Opens"), (CLICK_HIT, "Clicks")],
        string="Applies To",
        required=True,
        default=ANY_HIT,
    )
    match = fields.Selection(
        [(CONTAINS, "Contains"), (EXACT, "Is exactly")],
        required=True,
        default=CONTAINS,
    )
    is_person = fields.Boolean(
        string="Counts as a person",
        help="For image proxies that fetch the email's images when the person opens it "
        "(e.g. Gmail's): a match is a person's open, even if a generic word listed later "
        "also matches.",
    )
    active = fields.Boolean(default=True)

    @api.constrains("name")
    def _check_name(self):
        if any(not (agent.name or "").strip() for agent in self):
            raise ValidationError(self.env._("Enter the User-Agent, or a part of it, to match."))

    @api.model
    def _classify_hit(self, kind, user_agent):
        """``None`` when an open (``kind`` "open") or a click ("click") with ``user_agent``
        is a person's, else the reason it is a machine's, in the language of the context."""
        return classify_hit(kind, user_agent, self._get_machine_matcher())

    @api.model
    @tools.ormcache("self.env.lang")
    def _get_machine_matcher(self):
        """The active lines compiled for ``classify_hit``, with their reasons in the
        language of the context (hence the cache key)."""
        rules = [
            AgentRule(agent.name, agent.reason, agent.kind, agent.match, agent.is_person)
            for agent in self.sudo().search([])
        ]
        return build_matcher(rules, no_user_agent_reason=self.env._("no user agent"))
