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

# A boot image big enough that writing media takes seconds: the /Windows tree of $SourceWim plus 300 MB
# of seeded random data (the same bytes every run), captured uncompressed to $Destination (replaced).
# Needs wimtools (wimextract, wimcapture); $Scratch is a folder the function may create and removes.
function New-TestLargeBootImage([string] $SourceWim, [string] $Destination, [string] $Scratch) {
    $null = & wimextract $SourceWim 1 /Windows "--dest-dir=$Scratch" 2>&1
    $random = New-Object System.Random 20261126
    $chunk = New-Object byte[] (4MB)
    $stream = [System.IO.File]::Create((Join-Path $Scratch 'payload.bin'))
    try {
        for ($i = 0; $i -lt 75; $i++) { $random.NextBytes($chunk); $stream.Write($chunk, 0, $chunk.Length) }
    }
    finally { $stream.Dispose() }
    Remove-Item -LiteralPath $Destination -Force -ErrorAction SilentlyContinue
    $null = & wimcapture $Scratch $Destination 'CmTsMedia test boot image (x64)' --boot --compress=none `
        --image-property WINDOWS/ARCH=9 --image-property WINDOWS/INSTALLATIONTYPE=WindowsPE `
        --image-property WINDOWS/VERSION/MAJOR=10 --image-property WINDOWS/VERSION/MINOR=0 `
        --image-property WINDOWS/VERSION/BUILD=26100 --image-property WINDOWS/VERSION/SPBUILD=1 2>&1
    if ($LASTEXITCODE -ne 0) { throw "wimcapture failed: $LASTEXITCODE" }
    Remove-Item -LiteralPath $Scratch -Recurse -Force
}

# A wrapper around the module's real engine for tests that watch it (POSIX): $Body is a shell script in
# which {engine} stands for the real engine. Sets CMTSMEDIA_ENGINE to the wrapper and CMTSMEDIA_STATE_DIR
# to $StateDir; returns what they were, for Restore-TestEngineEnvironment.
function Set-TestEngineWrapper([string] $Path, [string] $Body, [string] $StateDir) {
    $saved = @{ State = $env:CMTSMEDIA_STATE_DIR; Engine = $env:CMTSMEDIA_ENGINE }
    $env:CMTSMEDIA_STATE_DIR = $StateDir
    $env:CMTSMEDIA_ENGINE = $null
    $real = & (Get-Module CmTsMedia) { Resolve-CmTsEnginePath }
    Set-Content -LiteralPath $Path -Value ("#!/bin/sh`n" + $Body.Replace('{engine}', "'$real'") + "`n")
    & chmod +x $Path
    $env:CMTSMEDIA_ENGINE = $Path
    $saved
}

function Restore-TestEngineEnvironment($Saved) {
    $env:CMTSMEDIA_STATE_DIR = $Saved.State
    $env:CMTSMEDIA_ENGINE = $Saved.Engine
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

# Runs the real engine the module finds in its own bin/ folder, with a state folder of the test's own
# (operations, locks, logs). Restore-TestEnvironment puts both variables back.
function Set-TestEnvironment([string] $StateDir) {
    $script:SavedTestEnvironment = @{ State = $env:CMTSMEDIA_STATE_DIR; Engine = $env:CMTSMEDIA_ENGINE }
    $env:CMTSMEDIA_ENGINE = $null
    $env:CMTSMEDIA_STATE_DIR = $StateDir
}

function Restore-TestEnvironment {
    $env:CMTSMEDIA_STATE_DIR = $script:SavedTestEnvironment.State
    $env:CMTSMEDIA_ENGINE = $script:SavedTestEnvironment.Engine
}
