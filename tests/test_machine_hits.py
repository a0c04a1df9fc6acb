from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import BaseCase, TransactionCase, new_test_user

from ..tools import CLICK_HIT, EXACT, OPEN_HIT, AgentRule, build_matcher, classify_hit

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"
SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
IPHONE_MAIL = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148"
)
EDGE = CHROME + " Edg/126.0.2592.87"
OUTLOOK_DESKTOP = (
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0; .NET4.0C; .NET4.0E; "
    "Microsoft Outlook 16.0.17726; ms-office; MSOffice 16)"
)
CUBOT_PHONE = (
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.122 Mobile Safari/537.36"
)
GMAIL_PROXY = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
YAHOO_PROXY = "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"
APPLE_PRIVACY = "Mozilla/5.0"

PEOPLE = {
    "Chrome": CHROME,
    "Firefox": FIREFOX,
    "Safari": SAFARI,
    "iPhone Mail": IPHONE_MAIL,
    "Edge": EDGE,
    "Outlook desktop": OUTLOOK_DESKTOP,
    "phone maker named ...bot": CUBOT_PHONE,
}
IMAGE_PROXIES = {"Gmail": GMAIL_PROXY, "Yahoo": YAHOO_PROXY, "Outlook": OUTLOOK_DESKTOP}
MACHINES = {
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)": "bot: Googlebot",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)": "bot: Bingbot",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)": "bot: Yahoo Slurp",
    "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)": "bot: DuckDuckBot",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)": "bot: Baiduspider",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)": "bot: YandexBot",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)": "link preview: Facebook",
    "Twitterbot/1.0": "link preview: Twitter",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)": (
        "link preview: LinkedIn"
    ),
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)": "link preview: Slack",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)": "link preview: Discord",
    "WhatsApp/2.23.20.0 A": "link preview: WhatsApp",
    "TelegramBot (like TwitterBot)": "link preview: Telegram",
    CHROME + " BingPreview/1.0b": "link scanner: Microsoft Safe Links",
    "Mozilla/5.0 (compatible; Barracuda Link Protection)": "link scanner: Barracuda",
    "Mimecast URL scanner/1.0": "link scanner: Mimecast",
    "Proofpoint URL Defense": "link scanner: Proofpoint",
    "Symantec Email Security.cloud": "link scanner: Symantec",
    "Trend Micro Email Security": "link scanner: Trend Micro",
    "Cisco IronPort URL filter": "link scanner: Cisco IronPort",
    "Forcepoint Email Security": "link scanner: Forcepoint",
    "Sophos Time-of-Click": "link scanner: Sophos",
    "python-requests/2.32.3": "HTTP library: python-requests",
    "Python-urllib/3.11": "HTTP library: Python urllib",
    "Python/3.11 aiohttp/3.9.1": "HTTP library: aiohttp",
    "curl/8.5.0": "HTTP library: curl",
    "Wget/1.21.4": "HTTP library: Wget",
    "Go-http-client/2.0": "HTTP library: Go",
    "Java/17.0.8": "HTTP library: Java",
    "okhttp/4.12.0": "HTTP library: OkHttp",
    "libwww-perl/6.72": "HTTP library: libwww-perl",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 "
    "Safari/537.36": "headless browser: HeadlessChrome",
    "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 "
    "Safari/538.1": "headless browser: PhantomJS",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)": "bot",
    "ExampleCrawler/1.0": "crawler",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
    "(compatible; Bytespider)": "crawler",
    "Acme URL Scanner 2.0": "link scanner",
    "Mozilla/5.0 (en-us) AppleWebKit/534.14 (KHTML, like Gecko; Google Web Preview)": "link preview",
}


class TestClassifyHit(BaseCase):
    """How rules decide, on a small list of their own."""

    def setUp(self):
        super().setUp()
        self.matcher = build_matcher(
            [
                AgentRule(APPLE_PRIVACY, "privacy prefetch", kind=OPEN_HIT, match=EXACT),
                AgentRule("Mimecast", "link scanner: Mimecast"),
                AgentRule("ggpht.com", "Gmail image proxy", kind=OPEN_HIT, is_person=True),
                AgentRule("FetchOnClick", "click fetcher", kind=CLICK_HIT),
                AgentRule("   ", "ignored: blank"),
                AgentRule("bot", "bot"),
                AgentRule("scanner", "scanner"),
            ],
            no_user_agent_reason="nothing sent",
        )

    def classify(self, kind, user_agent):
        return classify_hit(kind, user_agent, self.matcher)

    def test_first_listed_rule_wins_wherever_it_matches(self):
        self.assertEqual(self.classify(CLICK_HIT, "scanner bot by Mimecast"), "link scanner: Mimecast")
        self.assertEqual(self.classify(CLICK_HIT, "a scanner and a bot"), "bot")
        self.assertEqual(
            self.classify(OPEN_HIT, "MIMECAST"), "link scanner: Mimecast", "case does not matter"
        )

    def test_person_rule_wins_over_later_rules(self):
        self.assertIsNone(self.classify(OPEN_HIT, "imagebot via ggpht.com"))
        self.assertEqual(self.classify(CLICK_HIT, "imagebot via ggpht.com"), "bot", "an open-only rule")

    def test_exact_rule_matches_the_whole_user_agent_only(self):
        self.assertEqual(self.classify(OPEN_HIT, APPLE_PRIVACY), "privacy prefetch")
        self.assertEqual(self.classify(OPEN_HIT, " mozilla/5.0 "), "privacy prefetch")
        self.assertIsNone(self.classify(OPEN_HIT, "Mozilla/5.0 (X11)"))
        self.assertIsNone(self.classify(CLICK_HIT, APPLE_PRIVACY), "an open-only rule")

    def test_kind_of_hit(self):
        self.assertEqual(self.classify(CLICK_HIT, "FetchOnClick/1"), "click fetcher")
        self.assertIsNone(self.classify(OPEN_HIT, "FetchOnClick/1"))

    def test_missing_user_agent_is_a_machine(self):
        for user_agent in (None, "", "  \t"):
            with self.subTest(user_agent=user_agent):
                self.assertEqual(self.classify(OPEN_HIT, user_agent), "nothing sent")
                self.assertEqual(self.classify(CLICK_HIT, user_agent), "nothing sent")

    def test_blank_rules_and_no_rules(self):
        self.assertIsNone(self.classify(CLICK_HIT, "nothing listed here"), "a blank pattern matches nothing")
        empty = build_matcher([])
        self.assertIsNone(classify_hit(OPEN_HIT, CHROME, empty))
        self.assertEqual(classify_hit(CLICK_HIT, "", empty), "no user agent")


class TestMachineAgentList(TransactionCase):
    """The list shipped with the module."""

    def classify(self, kind, user_agent):
        return self.env["partner.email.machine.agent"]._classify_hit(kind, user_agent)

    def test_machines(self):
        for user_agent, reason in MACHINES.items():
            for kind in (OPEN_HIT, CLICK_HIT):
                with self.subTest(user_agent=user_agent, kind=kind):
                    self.assertEqual(self.classify(kind, user_agent), reason)

    def test_people(self):
        for label, user_agent in PEOPLE.items():
            for kind in (OPEN_HIT, CLICK_HIT):
                with self.subTest(label, kind=kind):
                    self.assertIsNone(self.classify(kind, user_agent))

    def test_image_proxies_open_for_a_person(self):
        for label, user_agent in IMAGE_PROXIES.items():
            with self.subTest(label):
                self.assertIsNone(self.classify(OPEN_HIT, user_agent))

    def test_apple_mail_privacy_protection(self):
        self.assertEqual(self.classify(OPEN_HIT, APPLE_PRIVACY), "Apple Mail Privacy Protection")
        self.assertIsNone(
            self.classify(CLICK_HIT, APPLE_PRIVACY), "a person's browser may send it on a click"
        )
        self.assertIsNone(self.classify(OPEN_HIT, "Mozilla/5.0 (Macintosh)"))

    def test_missing_user_agent(self):
        self.assertEqual(self.classify(OPEN_HIT, ""), "no user agent")
        self.assertEqual(self.classify(CLICK_HIT, None), "no user agent")

    def test_covers_odoo_bot_list(self):
        for fragment in self.env["ir.http"].bots:
            for kind in (OPEN_HIT, CLICK_HIT):
                with self.subTest(fragment=fragment, kind=kind):
                    self.assertTrue(self.classify(kind, f"Mozilla/5.0 (compatible; {fragment.title()}/1.0)"))


class TestMachineAgentModel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "partner_email_history.group_partner_email_history"
        cls.manager = new_test_user(cls.env, "agent_manager", groups=f"base.group_user,{group}_manager")
        cls.reader = new_test_user(cls.env, "agent_reader", groups=f"base.group_user,{group}_user")
        cls.Agent = cls.env["partner.email.machine.agent"]

    def classify(self, user_agent):
        return self.Agent._classify_hit(CLICK_HIT, user_agent)

    def test_admin_extends_the_list_at_once(self):
        user_agent = "Mozilla/5.0 (compatible; AcmeScanner/3.1)"
        self.assertEqual(self.classify(user_agent), "link scanner", "the generic word")
        matcher = self.Agent._get_machine_matcher()
        self.assertIs(self.Agent._get_machine_matcher(), matcher, "compiled once, then cached")

        agent = self.Agent.with_user(self.manager).create(
            {"name": "AcmeScanner", "reason": "link scanner: Acme", "sequence": 5}
        )
        self.assertEqual(self.classify(user_agent), "link scanner: Acme")

        agent.active = False
        self.assertEqual(self.classify(user_agent), "link scanner")

        agent.write({"active": True, "is_person": True})
        self.assertIsNone(self.classify(user_agent))

        agent.unlink()
        self.assertEqual(self.classify(user_agent), "link scanner")

    def test_reason_in_the_language_of_the_context(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        googlebot = self.env.ref("partner_email_history.partner_email_machine_agent_googlebot")
        googlebot.with_context(lang="fr_FR").reason = "robot : Googlebot"
        user_agent = "Googlebot/2.1"
        self.assertEqual(
            self.Agent.with_context(lang="fr_FR")._classify_hit(OPEN_HIT, user_agent), "robot : Googlebot"
        )
        self.assertEqual(
            self.Agent.with_context(lang="en_US")._classify_hit(OPEN_HIT, user_agent), "bot: Googlebot"
        )

    def test_name_is_required(self):
        for name in ("", "   "):
            with self.subTest(name=name), self.assertRaises(ValidationError):
                self.Agent.create({"name": name, "reason": "blank"})
        agent = self.Agent.create({"name": "AcmeFetch", "reason": "Acme"})
        with self.assertRaises(ValidationError):
            agent.name = " "

    def test_access(self):
        self.assertTrue(self.Agent.with_user(self.reader).search_count([]))
        with self.assertRaises(AccessError):
            self.Agent.with_user(self.reader).create({"name": "AcmeFetch", "reason": "Acme"})

    def test_configuration_menu_for_managers(self):
        menu = self.env.ref("partner_email_history.partner_email_machine_agent_menu")
        self.assertEqual(menu.parent_id, self.env.ref("contacts.res_partner_menu_config"))
        menus = self.env["ir.ui.menu"]
        self.assertIn(menu.id, menus.with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, menus.with_user(self.reader)._visible_menu_ids())
        views = self.Agent.with_user(self.manager).get_views([(False, "list"), (False, "search")])
        arch = etree.fromstring(views["views"]["list"]["arch"])
        self.assertEqual(arch.get("editable"), "bottom")
        self.assertEqual(
            arch.xpath("//field/@name"),
            ["sequence", "name", "match", "kind", "is_person", "reason", "active"],
        )
