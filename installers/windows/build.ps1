# Build JewelTrak-Setup-<version>.exe on Windows (PowerShell 5.1 or 7).
#
#   powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1
#
# Needs: Python 3.11+ (the project's venv in .venv, made here if missing) and Inno Setup 6
# (ISCC.exe on PATH, or set INNO_SETUP_COMPILER to its full path).
#
# Signing (optional; no secret is ever written to a file): set
#   JEWELTRAK_SIGN_CERT_SHA1   thumbprint of a code-signing certificate in the
#                              Windows certificate store (a hardware token or Azure Key
#                              Vault-backed certificate works the same way)
#   JEWELTRAK_SIGN_TIMESTAMP   RFC 3161 timestamp server address of your certificate vendor
# and signtool.exe (Windows SDK) must be on PATH. jeweltrak.exe is signed before it is
# packed, then Inno Setup signs the installer and the uninstaller.

$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

$Python = Join-Path $Root ".venv\Scripts\python.exe"
if (-not (Test-Path $Python)) {
    py -3 -m venv .venv
}
& $Python -m pip install --upgrade pip
& $Python -m pip install -e ".[build]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

# One source of truth for the version: pyproject.toml.
$Version = (& $Python installers\version.py --format pep440).Trim()
$VersionNumeric = (& $Python installers\version.py --format windows).Trim()
if (-not $Version) { throw "could not read the version from pyproject.toml" }
Write-Host "JewelTrak $Version ($VersionNumeric)"

& $Python -m PyInstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller build.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
$Bundle = Join-Path $Root "dist\jeweltrak"

$Iscc = $env:INNO_SETUP_COMPILER
if (-not $Iscc) { $Iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source }
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 not found: install it or set INNO_SETUP_COMPILER" }

$IsccArgs = @("/DAppVersion=$Version", "/DAppVersionNumeric=$VersionNumeric", "/DBundleDir=$Bundle",
              "/DOutputDir=$(Join-Path $Root 'dist')")

if ($env:JEWELTRAK_SIGN_CERT_SHA1) {
    if (-not $env:JEWELTRAK_SIGN_TIMESTAMP) { throw "set JEWELTRAK_SIGN_TIMESTAMP as well" }
    $SignCommand = "signtool.exe sign /sha1 $($env:JEWELTRAK_SIGN_CERT_SHA1) /fd sha256 " +
                   "/tr $($env:JEWELTRAK_SIGN_TIMESTAMP) /td sha256"
    & signtool.exe sign /sha1 $env:JEWELTRAK_SIGN_CERT_SHA1 /fd sha256 `
        /tr $env:JEWELTRAK_SIGN_TIMESTAMP /td sha256 (Join-Path $Bundle "jeweltrak.exe")
    if ($LASTEXITCODE -ne 0) { throw "signing jeweltrak.exe failed" }
    # Inno Setup replaces $f with the file to sign.
    $IsccArgs += @("/DSignInstaller", "/Sjtsign=$SignCommand `$f")
} else {
    Write-Host "JEWELTRAK_SIGN_CERT_SHA1 is not set: the installer is not signed (SmartScreen will warn)."
}

& $Iscc @IsccArgs (Join-Path $PSScriptRoot "jeweltrak.iss")
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "Built dist\JewelTrak-Setup-$Version.exe"
