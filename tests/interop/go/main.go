// Command checker checks Parley's artefacts with Go's golang.org/x/mod/sumdb/note and
// sumdb/tlog, implementations nobody on the Parley project wrote.
//
//	checker verify DIR      check the artefacts Parley wrote into DIR (see verify below)
//	checker sign NAME FILE  sign FILE's text as a note with a fresh key; print the
//	                        verifier key on the first line, then the signed note
//
// It is built in GOPATH mode against Debian's golang-golang-x-mod-dev.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 3 && os.Args[1] == "verify":
		err = verify(os.Args[2])
	case len(os.Args) == 4 && os.Args[1] == "sign":
		err = sign(os.Args[2], os.Args[3])
	default:
		err = errors.New("usage: checker verify DIR | checker sign NAME FILE")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "checker:", err)
		os.Exit(1)
	}
}

// verify reads, from dir:
//
//	log.vkey          the operator's verifier key (parley log key)
//	witness.vkey      optional: a witness's cosignature/v1 verifier key
//	checkpoint        a signed checkpoint, cosigned by that witness if witness.vkey exists
//	entry             the leaf data of one entry (parley log entry)
//	entry.tlog-proof  its C2SP tlog-proof (parley log prove)
//	old-checkpoint    an earlier signed checkpoint
//	consistency       "old N", proof hashes, a blank line, the newer signed checkpoint
func verify(dir string) error {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	vkey, err := read("log.vkey")
	if err != nil {
		return err
	}
	logKey, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return fmt.Errorf("log.vkey: %v", err)
	}
	known := []note.Verifier{logKey}
	var witness note.Verifier
	if wkey, err := read("witness.vkey"); err == nil {
		if witness, err = newCosignatureVerifier(strings.TrimSpace(string(wkey))); err != nil {
			return fmt.Errorf("witness.vkey: %v", err)
		}
		known = append(known, witness)
	}
	verifiers := note.VerifierList(known...)

	signed, err := read("checkpoint")
	if err != nil {
		return err
	}
	head, err := openCheckpoint(signed, verifiers, logKey, witness)
	if err != nil {
		return fmt.Errorf("checkpoint: %v", err)
	}
	fmt.Printf("note: checkpoint of %s at size %d opened\n", head.origin, head.size)

	entry, err := read("entry")
	if err != nil {
		return err
	}
	proofText, err := read("entry.tlog-proof")
	if err != nil {
		return err
	}
	index, hashes, proven, err := parseProofText(proofText, "c2sp.org/tlog-proof@v1", "index ")
	if err != nil {
		return fmt.Errorf("entry.tlog-proof: %v", err)
	}
	provenHead, err := openCheckpoint(proven, verifiers, logKey, witness)
	if err != nil {
		return fmt.Errorf("entry.tlog-proof checkpoint: %v", err)
	}
	err = tlog.CheckRecord(tlog.RecordProof(hashes), provenHead.size, provenHead.root, index, tlog.RecordHash(entry))
	if err != nil {
		return fmt.Errorf("inclusion of entry %d: %v", index, err)
	}
	fmt.Printf("tlog: entry %d is in the tree of size %d\n", index, provenHead.size)

	oldSigned, err := read("old-checkpoint")
	if err != nil {
		return err
	}
	oldHead, err := openCheckpoint(oldSigned, verifiers, logKey, nil)
	if err != nil {
		return fmt.Errorf("old-checkpoint: %v", err)
	}
	body, err := read("consistency")
	if err != nil {
		return err
	}
	oldSize, treeHashes, newer, err := parseProofText(body, "", "old ")
	if err != nil {
		return fmt.Errorf("consistency: %v", err)
	}
	newHead, err := openCheckpoint(newer, verifiers, logKey, nil)
	if err != nil {
		return fmt.Errorf("consistency checkpoint: %v", err)
	}
	if oldSize != oldHead.size {
		return fmt.Errorf("consistency is from size %d, old checkpoint has %d", oldSize, oldHead.size)
	}
	err = tlog.CheckTree(tlog.TreeProof(treeHashes), newHead.size, newHead.root, oldHead.size, oldHead.root)
	if err != nil {
		return fmt.Errorf("consistency %d -> %d: %v", oldHead.size, newHead.size, err)
	}
	fmt.Printf("tlog: tree %d is a prefix of tree %d\n", oldHead.size, newHead.size)
	return nil
}

type treeHead struct {
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint opens a signed checkpoint with note.Open and reads its first three lines.
func openCheckpoint(signed []byte, verifiers note.Verifiers, log, witness note.Verifier) (treeHead, error) {
	n, err := note.Open(signed, verifiers)
	if err != nil {
		return treeHead{}, err
	}
	if !signedBy(n, log) {
		return treeHead{}, errors.New("not signed by the log key")
	}
	if witness != nil && !signedBy(n, witness) {
		return treeHead{}, errors.New("not cosigned by the witness")
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return treeHead{}, errors.New("checkpoint text has fewer than three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return treeHead{}, fmt.Errorf("bad tree size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return treeHead{}, fmt.Errorf("bad root hash %q", lines[2])
	}
	if lines[0] != log.Name() {
		return treeHead{}, fmt.Errorf("origin %q is not the log's name %q", lines[0], log.Name())
	}
	return treeHead{lines[0], size, root}, nil
}

func signedBy(n *note.Note, v note.Verifier) bool {
	for _, s := range n.Sigs {
		if s.Name == v.Name() && s.Hash == v.KeyHash() {
			return true
		}
	}
	return false
}

// parseProofText reads an optional header line, then "<prefix>N", base64 hashes, a blank
// line and the rest: the shape of both tlog-proof and tlog-witness add-checkpoint bodies.
func parseProofText(text []byte, header, prefix string) (int64, []tlog.Hash, []byte, error) {
	split := bytes.Index(text, []byte("\n\n"))
	if split < 0 {
		return 0, nil, nil, errors.New("no blank line before the checkpoint")
	}
	lines := strings.Split(string(text[:split]), "\n")
	rest := text[split+2:]
	if header != "" {
		if lines[0] != header {
			return 0, nil, nil, fmt.Errorf("first line is %q, not %q", lines[0], header)
		}
		lines = lines[1:]
		if len(lines) > 0 && strings.HasPrefix(lines[0], "extra ") {
			lines = lines[1:]
		}
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], prefix) {
		return 0, nil, nil, fmt.Errorf("missing %q line", prefix)
	}
	number, err := strconv.ParseInt(strings.TrimPrefix(lines[0], prefix), 10, 64)
	if err != nil {
		return 0, nil, nil, err
	}
	var hashes []tlog.Hash
	for _, line := range lines[1:] {
		h, err := tlog.ParseHash(line)
		if err != nil {
			return 0, nil, nil, fmt.Errorf("bad proof hash %q", line)
		}
		hashes = append(hashes, h)
	}
	return number, hashes, rest, nil
}

// cosignatureVerifier checks C2SP tlog-cosignature/v1 (type 0x04) lines; sumdb/note knows
// only type 0x01, so this is the one piece of checking code written here.
type cosignatureVerifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func newCosignatureVerifier(vkey string) (note.Verifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return nil, errors.New("not name+hash+key")
	}
	hash, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil || len(parts[1]) != 8 {
		return nil, errors.New("bad key hash")
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 1+ed25519.PublicKeySize || key[0] != 0x04 {
		return nil, errors.New("not a cosignature/v1 Ed25519 key")
	}
	sum := sha256.Sum256(append([]byte(parts[0]+"\n"), key...))
	if binary.BigEndian.Uint32(sum[:4]) != uint32(hash) {
		return nil, errors.New("key hash does not match the key")
	}
	return &cosignatureVerifier{parts[0], uint32(hash), ed25519.PublicKey(key[1:])}, nil
}

func (v *cosignatureVerifier) Name() string    { return v.name }
func (v *cosignatureVerifier) KeyHash() uint32 { return v.hash }
func (v *cosignatureVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	timestamp := binary.BigEndian.Uint64(sig[:8])
	signed := fmt.Sprintf("cosignature/v1\ntime %d\n%s", timestamp, msg)
	return ed25519.Verify(v.key, []byte(signed), sig[8:])
}

func sign(name, file string) error {
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return err
	}
	signed, err := note.Sign(&note.Note{Text: string(text)}, signer)
	if err != nil {
		return err
	}
	fmt.Println(vkey)
	os.Stdout.Write(signed)
	return nil
}
