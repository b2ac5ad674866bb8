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

// The focus back on the control that opened a new view (the "Visa" buttons, sort headers: marked
// data-refocus). Dash draws the new view in place of the old one, the focused control with it,
// and the focus would fall to <body> (WCAG 2.4.3). The control of the same id in the new view
// gets it, unless the reader has moved the focus elsewhere in the meantime.
(function () {
    let watch = null;
    function stop() {
        if (watch) {
            watch.observer.disconnect();
            clearTimeout(watch.timer);
            watch = null;
        }
    }
    document.addEventListener("click", function (event) {
        const control = event.target instanceof Element && event.target.closest("[data-refocus]");
        if (!control || !control.id) {
            return;
        }
        stop();
        const id = control.id;
        const observer = new MutationObserver(function () {
            const active = document.activeElement;
            if (active && active !== document.body && active !== control) {
                stop(); // the reader went on elsewhere
                return;
            }
            const fresh = document.getElementById(id);
            if (fresh && fresh !== control) {
                fresh.focus();
                stop();
            }
        });
        const root = document.getElementById("_pages_content") || document.body;
        observer.observe(root, {childList: true, subtree: true});
        watch = {observer: observer, timer: setTimeout(stop, 20000)};
    });
})();
