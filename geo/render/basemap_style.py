"""The offline basemap's stylesheet (its labels, credits and background)."""

BASEMAP_CSS = """
<style>
.leaflet-container.basemap-offline{background:#dde8ee}
.basemap-credits{cursor:pointer}
.basemap-credits-full{display:none}
.basemap-credits-open .basemap-credits-full{display:block;max-width:360px;white-space:normal;
 font-size:10px;line-height:1.3;margin-top:2px}
.basemap-label-icon{background:none;border:none}
.basemap-tiles .leaflet-basemapLabels-pane{z-index:160!important}
.basemap-town{position:relative;left:-3px;top:-3px;white-space:nowrap;
 font:11px/1.1 sans-serif;color:#333;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 2px #fff}
.basemap-town::before{content:"";display:inline-block;width:5px;height:5px;margin-right:3px;
 border-radius:50%;background:#555;vertical-align:middle}
.basemap-town.basemap-left,.basemap-town.basemap-above,.basemap-town.basemap-below{
 position:absolute;left:auto;top:auto}
.basemap-town.basemap-left{right:-4px;top:-8px}
.basemap-town.basemap-left::before,.basemap-town.basemap-above::before,
.basemap-town.basemap-below::before{display:none}
.basemap-town.basemap-left::after{content:"";display:inline-block;width:5px;height:5px;
 margin-left:3px;border-radius:50%;background:#555;vertical-align:middle}
.basemap-town.basemap-above{bottom:3px;left:0;transform:translateX(-50%)}
.basemap-town.basemap-below{top:3px;left:0;transform:translateX(-50%)}
.basemap-town.basemap-held{font-weight:600;color:#222}
.basemap-town.basemap-held::before,.basemap-town.basemap-held::after{display:none}
.basemap-town.basemap-held.basemap-side{left:3px;top:-7px}
.basemap-town.basemap-held.basemap-left{right:3px;top:-7px}
.basemap-town.basemap-centred{position:absolute;left:0;top:0;transform:translate(-50%,-50%)}
.basemap-town.basemap-centred::before{display:none}
.basemap-area{display:inline-block;transform:translate(-50%,-50%);white-space:nowrap;
 font:italic 12px/1 sans-serif;color:#6d6280;letter-spacing:.5px;
 text-shadow:0 0 2px #fff,0 0 2px #fff}
</style>
"""
