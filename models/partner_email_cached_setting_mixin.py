from odoo import api, models


class PartnerEmailCachedSettingMixin(models.AbstractModel):
    """Settings read through an ``ormcache`` method: any change clears the registry
    cache, so that the next read (in every worker) sees it at once."""

    _name = "partner.email.cached.setting.mixin"
    _description = "Email History Setting Cached in Memory"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res
