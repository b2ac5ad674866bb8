// Client-side helpers (kept in a file, not inline, so a strict CSP can allow 'self' only).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    bf: {
        // The page's language follows the switch, for screen readers and hyphenation.
        setLang: function (lang) {
            document.documentElement.lang = lang === "en" ? "en" : "sv";
            return window.dash_clientside.no_update;
        },
        // The browser's print dialog (the print style sheet makes the page a clean document).
        print: function (clicks) {
            if (clicks) {
                window.print();
            }
            return window.dash_clientside.no_update;
        },
    },
});

// Runs `start` once the document is parsed (app.js is loaded before the end of <body>).
function whenReady(start) {
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}

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

// The window title names what the page shows, in the page's language: "Stockholm (0180) –
// Brottsförebyggande arbete". Dash sets each page's fixed Swedish title when it routes; the
// heading of the view drawn is the better name, so the title follows the <h1> (and the language
// switch) whenever either changes, and wins over a later reset by Dash.
(function () {
    const SITE = {sv: "Brottsförebyggande arbete", en: "Crime prevention"};
    function wanted() {
        const h1 = document.querySelector("#_pages_content h1");
        if (!h1) {
            return null;
        }
        const site = SITE[document.documentElement.lang] || SITE.sv;
        const name = h1.textContent.trim();
        return name.toLowerCase().includes(site.toLowerCase()) ? name : name + " – " + site;
    }
    function update() {
        const title = wanted();
        if (title && document.title !== title) {
            document.title = title;
        }
    }
    function start() {
        const observer = new MutationObserver(update);
        observer.observe(document.body, {childList: true, subtree: true, characterData: true});
        observer.observe(document.head, {childList: true, subtree: true, characterData: true});
        observer.observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
        update();
    }
    whenReady(start);
})();

// A pager button that turns disabled on the first or last page (the one just pressed) would drop
// the focus to <body>; the other button of the pager takes it instead (WCAG 2.4.3).
(function () {
    const observer = new MutationObserver(function (mutations) {
        for (const m of mutations) {
            const button = m.target;
            if (!button.disabled || !button.closest || !button.closest(".table-pager")) {
                continue;
            }
            const active = document.activeElement;
            if (active && active !== document.body && active !== button) {
                continue;
            }
            const other = Array.from(button.closest(".table-pager").querySelectorAll("button"))
                .find(function (b) { return b !== button && !b.disabled; });
            if (other) {
                other.focus();
            }
        }
    });
    function start() {
        observer.observe(document.body, {attributes: true, attributeFilter: ["disabled"], subtree: true});
    }
    whenReady(start);
})();

// The "i" buttons say whether their definition is open (aria-expanded). dbc's popover shows
// itself in a <div class="popover"> at the end of <body> and tells its button nothing; the
// button pressed last owns the popover that is open.
(function () {
    let last = null;
    document.addEventListener("click", function (event) {
        const button = event.target instanceof Element && event.target.closest(".definition-button");
        if (button) {
            last = button;
        }
    }, true);
    function sync() {
        const open = document.querySelector("body > .popover");
        document.querySelectorAll(".definition-button[aria-expanded='true']").forEach(function (b) {
            if (!open || b !== last) {
                b.setAttribute("aria-expanded", "false");
            }
        });
        if (open && last && last.isConnected) {
            last.setAttribute("aria-expanded", "true");
        }
    }
    function start() {
        new MutationObserver(sync).observe(document.body, {childList: true});
    }
    whenReady(start);
})();

// A map is a WebGL canvas, and a canvas prints blank. Where the page has an <img class=
// "map-print" data-map="ID">, that image is kept as a picture of the map ID (Plotly.toImage, a
// second, static drawing) a moment after each drawing, and the print style sheet shows it in
// place of the map. data-ready says that the picture is of the map as it is now.
(function () {
    const pending = new WeakMap();
    function snapshot(img, gd) {
        clearTimeout(pending.get(img));
        img.removeAttribute("data-ready");
        pending.set(img, setTimeout(function () {
            if (!window.Plotly || !gd.isConnected) {
                return;
            }
            const width = gd.clientWidth || 700;
            const height = gd.clientHeight || 640;
            // Plotly draws the picture in a hidden copy of the chart at the end of <body>: keep
            // that copy out of the accessibility tree while it exists (it is no content).
            const hide = new MutationObserver(function (mutations) {
                mutations.forEach(function (m) {
                    m.addedNodes.forEach(function (node) {
                        // plotly's copy sits off screen, 5000 px to the left
                        if (node.nodeType === 1 && node.style && node.style.left === "-5000px") {
                            node.setAttribute("aria-hidden", "true");
                        }
                    });
                });
            });
            hide.observe(document.body, {childList: true});
            window.Plotly.toImage(gd, {format: "png", width: width, height: height})
                .then(function (url) {
                    img.src = url;
                    img.setAttribute("data-ready", "true");
                })
                .catch(function () { /* no picture: the print shows the map's frame */ })
                .finally(function () { hide.disconnect(); });
        }, 600));
    }
    function attach() {
        document.querySelectorAll("img.map-print[data-map]").forEach(function (img) {
            const gd = document.querySelector("#" + img.dataset.map + " .js-plotly-plot");
            if (!gd || !gd.on || gd.bfPrintPicture === img) {
                return;
            }
            gd.bfPrintPicture = img;
            gd.on("plotly_afterplot", function () { snapshot(img, gd); });
            if (gd._fullLayout) {
                snapshot(img, gd);
            }
        });
    }
    function start() {
        new MutationObserver(attach).observe(document.body, {childList: true, subtree: true});
        attach();
    }
    whenReady(start);
})();

// The navigation's "Meny" button on narrow screens (below 1200 px; wider, the links stand in the
// bar and the button is hidden): a disclosure. The button says whether the links are shown
// (aria-expanded) and Bootstrap's "show" class shows them. Escape, with the focus in the
// navigation, closes them and gives the focus back to the button; following a link closes them
// too, and the focus, which was on the link now hidden, goes back to the button (WCAG 2.4.3).
// The listeners sit on the document, so Dash redrawing the header does not lose them.
(function () {
    function button() {
        return document.getElementById("nav-toggle");
    }
    function isOpen() {
        const b = button();
        return !!b && b.getAttribute("aria-expanded") === "true";
    }
    function setOpen(open) {
        const b = button();
        const menu = document.getElementById("nav-links");
        if (!b || !menu) {
            return;
        }
        b.setAttribute("aria-expanded", open ? "true" : "false");
        menu.classList.toggle("show", open);
    }
    function folded() {
        const b = button();
        return !!b && b.getClientRects().length > 0; // the button is shown: narrow screen
    }
    document.addEventListener("click", function (event) {
        if (!(event.target instanceof Element)) {
            return;
        }
        if (event.target.closest("#nav-toggle")) {
            setOpen(!isOpen());
            return;
        }
        if (event.target.closest("#nav-links a") && isOpen()) {
            const menu = document.getElementById("nav-links");
            const focusInMenu = menu.contains(document.activeElement);
            setOpen(false);
            if (folded() && focusInMenu) {
                button().focus();
            }
        }
    });
    document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || !isOpen()) {
            return;
        }
        const nav = document.getElementById("main-nav");
        if (!nav || !nav.contains(document.activeElement)) {
            return;
        }
        setOpen(false);
        button().focus();
    });
})();

// Lämna filer (/inlamning): a native file input (Dash has none that posts the file itself) and
// the form posted with fetch to /api/inlamning, the endpoint scripts use too. The answer (the
// job, or the refusal) goes into the "up-job" store, and the page's callback follows the job.
(function () {
    function setup(form) {
        if (form.dataset.ready) {
            return;
        }
        form.dataset.ready = "1";
        const slot = form.querySelector("#up-slot");
        if (slot && !slot.querySelector("input")) {
            const input = document.createElement("input");
            input.type = "file";
            input.name = "fil";
            input.id = "up-files";
            input.multiple = true;
            input.required = true;
            input.className = "form-control";
            input.setAttribute("aria-describedby", "up-limits");
            slot.appendChild(input);
        }
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            const status = document.getElementById("up-status");
            const button = form.querySelector("#up-send");
            const set = window.dash_clientside && window.dash_clientside.set_props;
            if (status) {
                status.textContent = form.dataset.sending || "";
            }
            if (button) {
                button.disabled = true;
            }
            fetch("/api/inlamning", {
                method: "POST",
                body: new FormData(form),
                headers: {"X-CSRFToken": form.dataset.csrf || "", "Accept": "application/json"},
                credentials: "same-origin",
            })
                .then(function (response) {
                    return response.json().catch(function () {
                        return {error: "HTTP " + response.status};
                    });
                })
                .then(function (answer) {
                    if (set) {
                        set("up-job", {data: answer.id ? {id: answer.id} : {error: answer.error}});
                    }
                })
                .catch(function (error) {
                    if (set) {
                        set("up-job", {data: {error: String(error)}});
                    }
                })
                .finally(function () {
                    if (button) {
                        button.disabled = false;
                    }
                    const input = form.querySelector("#up-files");
                    if (input) {
                        input.value = "";
                    }
                });
        });
    }
    const observer = new MutationObserver(function () {
        const form = document.getElementById("up-form");
        if (form) {
            setup(form);
        }
    });
    whenReady(function () {
        observer.observe(document.body, {childList: true, subtree: true});
    });
})();
