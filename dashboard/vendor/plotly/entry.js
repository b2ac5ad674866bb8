// The plotly.js partial bundle the dashboard serves instead of the full plotly.min.js: only the
// trace types its figures use (bar, scatter from the core, choroplethmap and scattermap for the
// map) and the Swedish locale. Rebuild with `make plotly-bundle` after changing the traces or the
// plotly.js version in package.json (keep it equal to the plotly.js of the locked plotly.py).
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choroplethmap'),
    require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/locales/sv'),
]);

module.exports = Plotly;
