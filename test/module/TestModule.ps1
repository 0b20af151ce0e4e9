# Shared by the CmTsMedia Pester files: which module to test and where its files are.
# build/test-all.mjs sets CMTSMEDIA_TEST_MODULE to the built dist/CmTsMedia/<version>/CmTsMedia.psd1;
# without it the tests import the repository's own manifest (source layout).
function Get-TestModuleManifest {
    if ($env:CMTSMEDIA_TEST_MODULE) { return $env:CMTSMEDIA_TEST_MODULE }
    Join-Path (Split-Path (Split-Path $PSScriptRoot -Parent) -Parent) 'CmTsMedia.psd1'
}

function Get-TestErrorTablePath {
    $base = Split-Path (Get-TestModuleManifest) -Parent
    foreach ($candidate in 'data/errors.json', 'engine/src/errors/errors.json') {
        $path = Join-Path $base $candidate
        if (Test-Path -LiteralPath $path) { return $path }
    }
    throw "no errors.json below $base"
}

function Get-TestErrorRows {
    @((Get-Content -LiteralPath (Get-TestErrorTablePath) -Raw | ConvertFrom-Json).errors)
}
