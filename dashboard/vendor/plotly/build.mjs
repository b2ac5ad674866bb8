// Builds plotly-partial.min.js from entry.js with the settings of plotly.js's own build
// (node_modules/plotly.js/esbuild-config.js): an IIFE defining the global Plotly, es2016, and
// plotly's one CSS import (maplibre-gl.css) turned into a <style> element at load, as the full
// plotly.min.js does. The GL plugins of that config are left out: no trace here uses WebGL shaders
// of plotly's own (the map's WebGL is maplibre's, prebuilt).
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { build } from 'esbuild';

const inlineCss = {
    name: 'inline-css',
    setup(b) {
        b.onLoad({ filter: /\.css$/ }, async (args) => {
            const css = await readFile(args.path, 'utf8');
            const id = createHash('sha256').update(css).digest('hex');
            const contents = `(function(){if(!document.getElementById(${JSON.stringify(id)})){
                var e=document.createElement("style");e.id=${JSON.stringify(id)};
                e.textContent=${JSON.stringify(css)};document.head.appendChild(e);}})();`;
            return { contents, loader: 'js' };
        });
    },
};

await build({
    entryPoints: ['entry.js'],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    target: 'es2016',
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    legalComments: 'eof',
    logLevel: 'warning',
    plugins: [inlineCss],
    outfile: 'plotly-partial.min.js',
});
