function ConvertTo-CmTsMediaType {
    <#
    .SYNOPSIS
    The engine's media type (CD, UFD, UFD+FORMAT) for what the user typed, or an ErrorRecord.
    .DESCRIPTION
    -MediaType is case-insensitive (ValidateSet ignores case, so 'cd' binds) and also takes the values of
    Microsoft's New-CMBootableMedia: CdDvd (= CD) and Usb (= UFD). -FormatMedia, Microsoft's switch for
    "format the USB drive", turns Usb or UFD into UFD+FORMAT; with CD it is an error. The engine only
    knows the canonical spellings (docs/module.md, "Microsoft's names").
    #>
    [CmdletBinding()]
    [OutputType([string], [System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $MediaType,

        [switch] $FormatMedia
    )

    $canonical = switch ($MediaType.ToUpperInvariant()) {
        'CD' { 'CD' }
        'CDDVD' { 'CD' }
        'UFD' { 'UFD' }
        'USB' { 'UFD' }
        'UFD+FORMAT' { 'UFD+FORMAT' }
        default { $null }
    }
    if (-not $canonical) {
        return New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail ("-MediaType '{0}' is not one of CD, UFD, UFD+FORMAT, CdDvd, Usb" -f $MediaType) -TargetObject $MediaType
    }
    if ($FormatMedia) {
        if ($canonical -eq 'CD') {
            return New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail ("-FormatMedia applies to USB media (-MediaType Usb, UFD or UFD+FORMAT), not to -MediaType {0}" -f $MediaType) -TargetObject $MediaType
        }
        $canonical = 'UFD+FORMAT'
    }
    $canonical
}
