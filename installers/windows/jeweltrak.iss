; Inno Setup 6 script of the JewelTrak counter app (per-machine install).
;
; Build with installers\windows\build.ps1, which freezes the app with build.spec and runs
;   ISCC.exe /DAppVersion=<pyproject version> /DBundleDir=<dist\jeweltrak> jeweltrak.iss
; The version is never written here: it comes from pyproject.toml through
; installers/version.py, so the installer, the .exe's version resource and the .deb agree.
; Signing: build.ps1 passes /DSignInstaller and /Sjtsign=... when JEWELTRAK_SIGN_* is set.

#ifndef AppVersion
  #error AppVersion is not defined: build with installers\windows\build.ps1 (or ISCC /DAppVersion=x.y.z)
#endif
#ifndef AppVersionNumeric
  #error AppVersionNumeric is not defined: build with installers\windows\build.ps1
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\jeweltrak"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

#define AppName "JewelTrak"
#define AppExeName "jeweltrak.exe"
#define AppPublisher "JewelTrak"

[Setup]
; The AppId identifies the app to Windows' uninstaller across versions: never change it.
AppId={{6B0E4C52-3A7D-4E0B-9C1F-2D8E5A7B4F10}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductVersion={#AppVersionNumeric}
VersionInfoDescription={#AppName} Setup
; Per machine: Program Files, for every user of the counter computer; needs an administrator.
PrivilegesRequired=admin
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6.10 runs on Windows 10 1809 and newer.
MinVersion=10.0.17763
OutputDir={#OutputDir}
OutputBaseFilename=JewelTrak-Setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\jeweltrak.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An open JewelTrak must close before its files are replaced.
CloseApplications=yes
RestartApplications=no
#ifdef SignInstaller
SignTool=jtsign
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: jeweltrak.exe and _internal\.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Comment: "Point of sale for the jewelry store counter"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes what it installed. The store's database, its backups and the
; device credential belong to the Windows user (%LOCALAPPDATA%\JewelTrak and Windows
; Credential Manager, entry "JewelTrak") and stay: a store may still have sales there that
; were not synced. Unpair in Settings first to wipe them (docs/packaging.md).
