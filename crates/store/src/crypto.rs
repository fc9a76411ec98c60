//! Resident IDs at rest: AES-256-GCM ciphertext, a keyed hash (HMAC-SHA-256) for exact
//! lookup, and the masked form for display. Both subkeys are derived from one master key
//! taken from `LIANGXIN_KEY` (64 hex digits) or a key file created on first run.

use std::fs;
use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, OsRng, rand_core::RngCore};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use liangxin_domain::resident_id::ResidentId;
use sha2::Sha256;

use crate::error::{Result, StoreError};

type HmacSha256 = Hmac<Sha256>;

/// Where the master key comes from.
#[derive(Clone)]
pub enum KeySource {
    /// 64 hex digits (from `LIANGXIN_KEY`).
    Hex(String),
    /// A file holding 64 hex digits; created with a fresh random key if absent.
    File(std::path::PathBuf),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Hex(_) => f.write_str("KeySource::Hex(***)"),
            KeySource::File(p) => write!(f, "KeySource::File({})", p.display()),
        }
    }
}

/// Encrypts, hashes and decrypts resident IDs, and keys the audit chain; every key is
/// derived from the one master key.
pub struct IdCipher {
    aead: Aes256Gcm,
    /// Seals uploaded files while they wait for a commit (they hold resident IDs).
    files: Aes256Gcm,
    mac_key: [u8; 32],
    /// Keys the audit log's hash chain, so rows cannot be rewritten and re-chained by
    /// someone who can only write to the database.
    chain_key: [u8; 32],
}

impl std::fmt::Debug for IdCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdCipher(..)")
    }
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

fn parse_hex_key(text: &str) -> Result<[u8; 32]> {
    let bytes = hex::decode(text.trim())
        .map_err(|_| StoreError::Key("密钥必须是64位十六进制数字".into()))?;
    bytes
        .try_into()
        .map_err(|_| StoreError::Key("密钥必须是64位十六进制数字（32字节）".into()))
}

impl IdCipher {
    /// Loads the master key. A missing key file is created only when `may_create` (a
    /// database that holds nothing encrypted yet): for one that does, a new key would
    /// make every stored ID unreadable, so it is refused instead.
    pub fn load(source: &KeySource, may_create: bool) -> Result<Self> {
        let master = match source {
            KeySource::Hex(h) => parse_hex_key(h)?,
            KeySource::File(path) => load_or_create(path, may_create)?,
        };
        Ok(Self::from_master(&master))
    }

    pub fn from_master(master: &[u8; 32]) -> Self {
        let enc = derive(master, b"liangxin resident-id encryption v1");
        IdCipher {
            aead: Aes256Gcm::new(&enc.into()),
            files: Aes256Gcm::new(&derive(master, b"liangxin upload encryption v1").into()),
            mac_key: derive(master, b"liangxin resident-id lookup v1"),
            chain_key: derive(master, b"liangxin audit chain v1"),
        }
    }

    /// The keyed hash used to find a member by resident ID without decrypting.
    pub fn lookup_hash(&self, id: &ResidentId) -> String {
        self.mac_hex(id.expose().as_bytes())
    }

    /// A value stored at first migration to tell a wrong key from a right one.
    pub fn key_check(&self) -> String {
        self.mac_hex(b"liangxin key check")
    }

    fn mac_hex(&self, data: &[u8]) -> String {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.mac_key).expect("HMAC takes any key length");
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }

    /// HMAC over length-prefixed parts, for the audit chain.
    pub fn chain_mac(&self, parts: &[&str]) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.chain_key)
            .expect("HMAC takes any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// Nonce (12 bytes) followed by ciphertext and tag.
    pub fn encrypt(&self, id: &ResidentId) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), id.expose().as_bytes())
            .expect("AES-GCM encryption of a short plaintext cannot fail");
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// An uploaded file sealed: nonce (12 bytes), ciphertext and tag.
    pub fn seal_file(&self, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .files
            .encrypt(Nonce::from_slice(&nonce), plain)
            .expect("AES-GCM encrypts any file below 64 GiB");
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open_file(&self, sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < 12 {
            return Err(StoreError::Key("上传文件的密文长度错误".into()));
        }
        let (nonce, body) = sealed.split_at(12);
        self.files
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| StoreError::Key("上传文件解密失败：密钥不匹配或数据被篡改".into()))
    }

    pub fn decrypt(&self, sealed: &[u8]) -> Result<ResidentId> {
        if sealed.len() < 12 {
            return Err(StoreError::Key("密文长度错误".into()));
        }
        let (nonce, body) = sealed.split_at(12);
        let plain = self
            .aead
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| StoreError::Key("身份证号解密失败：密钥不匹配或数据被篡改".into()))?;
        let text =
            String::from_utf8(plain).map_err(|_| StoreError::Key("解密结果不是文本".into()))?;
        ResidentId::parse(&text)
            .map(|p| p.value)
            .map_err(|e| StoreError::Key(format!("解密结果不是有效身份证号：{e}")))
    }
}

/// `N` bytes from the operating system's generator; an error when it fails, never zeros.
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| StoreError::Key(format!("系统随机数发生器不可用：{e}")))?;
    Ok(bytes)
}

fn load_or_create(path: &Path, may_create: bool) -> Result<[u8; 32]> {
    match fs::read_to_string(path) {
        Ok(text) => {
            check_private(path)?;
            parse_hex_key(&text).map_err(|e| StoreError::Key(format!("{}：{e}", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !may_create => {
            Err(StoreError::Key(format!(
                "密钥文件 {} 不存在，而此数据库的身份证号已用密钥加密：请从保管处恢复密钥文件\
                 （或用 --key-file、LIANGXIN_KEY 指明它）；不会生成新密钥",
                path.display()
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_bytes::<32>()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Key(format!("无法创建 {}：{e}", dir.display())))?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    // Only a directory made here is narrowed; one that exists is the
                    // operator's.
                    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
                }
            }
            write_private(path, &hex::encode(key)).map_err(|e| {
                StoreError::Key(format!("无法写入密钥文件 {}：{e}", path.display()))
            })?;
            Ok(key)
        }
        Err(e) => Err(StoreError::Key(format!(
            "无法读取密钥文件 {}：{e}",
            path.display()
        ))),
    }
}

/// A key file others can read is refused: a copy of it with the data gives every ID away.
fn check_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(|e| StoreError::Key(format!("无法读取密钥文件 {}：{e}", path.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(StoreError::Key(format!(
                "密钥文件 {} 的权限为 {:o}，其他用户可读：请执行 chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
    }
    Ok(())
}

/// Creates the key file (never over an existing one), readable by the owner only, and
/// makes it durable before anything is encrypted with it.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::File::open(dir)?.sync_all()
}
