// Client-side helpers (kept in a file, not inline, so a strict CSP can allow 'self' only).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    bf: {
        // The page's language follows the switch, for screen readers and hyphenation.
        setLang: function (lang) {
            document.documentElement.lang = lang === "en" ? "en" : "sv";
            return window.dash_clientside.no_update;
        },
    },
});
