# shellcheck shell=bash
# Helpers shared by guest/build and tools/testhost/build: fetch Debian
# packages once into a cache, unpack them once, and work out which kernel
# modules to put in an initramfs and in which order to load them.

# Messages start with the script's name, $prog if the script set one.
die() {
	echo "${prog:-${0##*/}}: $*" >&2
	exit 1
}

# outdated OUT INPUT...: true when OUT is missing or any INPUT (files, or
# directories searched recursively) is newer, i.e. OUT must be remade.
outdated() {
	local out=$1
	shift
	[[ -e $out ]] || return 0
	[[ -n $(find "$@" -newer "$out" -print -quit) ]]
}

# apt_ready: apt knows nothing on a fresh machine until its package lists
# are fetched, so fetch them once (only root can).
apt_ready() {
	local cand
	cand=$(apt-cache policy busybox-static 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	if [[ -z $cand || $cand == "(none)" ]]; then
		[[ $(id -u) -eq 0 ]] || die "apt has no package lists; run 'apt-get update' as root"
		apt-get update -qq >&2 || die "apt-get update failed"
	fi
}

# resolve_debs NAME...: print "NAME FILE" for each package NAME, FILE being
# the name of the .deb apt would fetch for it now.  A kernel meta package
# (linux-image-amd64) stands for the versioned package it depends on
# (linux-image-6.1.0-56-amd64), so we follow Debian's current kernel.
resolve_debs() {
	local name pkg pkgs=() names=("$@")
	apt_ready
	for name in "${names[@]}"; do
		pkg=$name
		if [[ $name == linux-image-* && $name != linux-image-[0-9]* ]]; then
			pkg=$(apt-cache depends "$name" 2>/dev/null |
				awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
			[[ -n $pkg ]] || die "apt cannot resolve $name"
		fi
		pkgs+=("$pkg")
	done
	# One apt call for all: it takes most of a second each time.
	apt-get download --print-uris "${pkgs[@]}" 2>/dev/null |
		awk -v names="${names[*]}" -v pkgs="${pkgs[*]}" '
			BEGIN { n = split(names, name, " "); split(pkgs, pkg, " ") }
			{ file[substr($2, 1, index($2, "_") - 1)] = $2 }
			END {
				for (i = 1; i <= n; i++) {
					if (!(pkg[i] in file))
						exit 1
					print name[i], file[pkg[i]]
				}
			}' || die "apt cannot find ${pkgs[*]}"
}

# fetch_debs DEBS NAME...: print the path of each package NAME's .deb in
# the cache directory DEBS, one per line, downloading only those missing.
# apt is asked again only when its package lists have changed since the
# last answer (kept in DEBS), so a cached build does not wait on apt.
fetch_debs() {
	local debs=$1 index name file
	shift
	mkdir -p "$debs"
	index=$debs/index-$(printf '%s\n' "$@" | cksum | tr -d ' ')
	if [[ ! -e $index ]] || outdated "$index" /var/lib/apt/lists; then
		resolve_debs "$@" >"$index.tmp"
		mv "$index.tmp" "$index"
	fi
	while read -r name file; do
		if [[ ! -s $debs/$file ]]; then
			echo "${prog:-${0##*/}}: downloading $file" >&2
			# As root apt drops to user _apt for downloads, who may not be
			# able to write to DEBS; it is a plain HTTP fetch, so stay root.
			(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${file%%_*}" >&2) ||
				die "apt-get download ${file%%_*} failed"
			[[ -s $debs/$file ]] || die "apt-get download ${file%%_*} did not give $file"
		fi
		echo "$debs/$file"
	done <"$index"
}

# unpack_deb DEB: unpack DEB once into DEB's name with .deb replaced by .x
# (kept beside it in the cache) and print that directory.
unpack_deb() {
	local deb=$1 dir=${1%.deb}.x
	if outdated "$dir/.unpacked" "$deb"; then
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}

# kernel_release TREE: the one "uname -r" under TREE/lib/modules.
kernel_release() {
	local d
	for d in "$1"/lib/modules/*/; do
		d=${d%/}
		echo "${d##*/}"
		return
	done
	die "no kernel modules in $1"
}

# module_order TREE KVER MODULE...: print, one per line and relative to
# TREE/lib/modules/KVER, the .ko files to insmod for MODULE... in an order
# that loads every module after its dependencies (modprobe computes it from
# modules.dep, plus soft dependencies such as ext4's crc32c).  Modules that
# are built in or missing from this kernel are skipped without a word.
module_order() {
	local tree kver=$2 m
	tree=$(realpath "$1")
	shift 2
	# Debian's package does not ship modules.dep: make it.
	if outdated "$tree/lib/modules/$kver/modules.dep" "$tree/lib/modules/$kver/modules.order"; then
		depmod -b "$tree" "$kver"
	fi
	for m in "$@"; do
		modprobe -d "$tree" -S "$kver" --show-depends "$m" 2>/dev/null || true
	done | awk -v dir="$tree/lib/modules/$kver/" '
		$1 == "insmod" {
			p = $2
			if (index(p, dir) == 1)
				p = substr(p, length(dir) + 1)
			if (!seen[p]++)
				print p
		}'
}

# stage_modules TREE KVER STAGE MODULE...: copy MODULE... and their
# dependencies from TREE into the initramfs tree STAGE, with a load-order
# file (one path per line, dependencies first) for the init scripts and a
# modules.dep for anyone who prefers busybox modprobe.
stage_modules() {
	local tree=$1 kver=$2 stage=$3 ko src dst
	shift 3
	src=$tree/lib/modules/$kver
	dst=$stage/lib/modules/$kver
	mkdir -p "$dst"
	module_order "$tree" "$kver" "$@" >"$dst/load-order"
	while read -r ko; do
		mkdir -p "$dst/${ko%/*}"
		cp "$src/$ko" "$dst/$ko"
		# Debian 12's modules are not compressed; a later kernel's might be,
		# and busybox insmod cannot read .ko.xz or .ko.zst, so unpack them.
		case $ko in
		*.ko.xz) xz -d "$dst/$ko" ;;
		*.ko.zst) zstd -q -d --rm "$dst/$ko" ;;
		*.ko.gz) gzip -d "$dst/$ko" ;;
		esac
	done <"$dst/load-order"
	sed -i -E 's/\.ko\.(xz|zst|gz)$/.ko/' "$dst/load-order"
	cp "$src"/modules.builtin* "$src/modules.order" "$dst/" 2>/dev/null || true
	depmod -b "$stage" "$kver"
}

# stage_busybox STAGE BUSYBOX: install the static BUSYBOX as /bin/busybox
# with a symlink for each applet, and the usual directories pointing at /bin.
stage_busybox() {
	local stage=$1 bb=$2 applet
	mkdir -p "$stage/bin" "$stage/usr"
	install -m 755 "$bb" "$stage/bin/busybox"
	for applet in $("$bb" --list); do
		[[ $applet == busybox ]] || ln -sf busybox "$stage/bin/$applet"
	done
	ln -sfn bin "$stage/sbin"
	ln -sfn ../bin "$stage/usr/bin"
	ln -sfn ../bin "$stage/usr/sbin"
}

# u32_at FILE OFFSET / u8_at FILE OFFSET: little-endian fields of a file.
u32_at() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u8_at() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }

# extract_vmlinux BZIMAGE ELF: the uncompressed ELF vmlinux inside a
# bzImage.  A bzImage is a real-mode setup (setup_sects 512-byte sectors
# after the boot sector) followed by the protected-mode code, which
# carries the compressed vmlinux at payload_offset for payload_length
# bytes (boot protocol 2.08+ header fields at 0x248 and 0x24c).  Debian
# compresses the cloud kernel with LZ4 (legacy frame format) and the
# generic one with XZ.  The kernel build appends the uncompressed size as
# a 4-byte trailer that neither tool expects, so we drop it and check the
# result against it.
extract_vmlinux() {
	local bz=$1 elf=$2 setup_sects offset length size magic
	setup_sects=$(u8_at "$bz" $((0x1f1)))
	offset=$(($(u32_at "$bz" $((0x248))) + (setup_sects + 1) * 512))
	length=$(u32_at "$bz" $((0x24c)))
	magic=$(od -An -tx1 -j "$offset" -N4 "$bz" | tr -d ' ')
	case $magic in
	02214c18) set -- lz4 -d -q -c ;;
	fd377a58) set -- xz -d -c --single-stream ;;
	*) die "$bz: unknown compression (magic $magic)" ;;
	esac
	dd if="$bz" iflag=skip_bytes,count_bytes skip="$offset" count=$((length - 4)) status=none |
		"$@" >"$elf.tmp" || die "cannot decompress the vmlinux in $bz"
	size=$(u32_at "$bz" $((offset + length - 4)))
	[[ $(stat -c %s "$elf.tmp") -eq $size ]] || die "vmlinux from $bz has the wrong size"
	file -b "$elf.tmp" | grep -q '^ELF 64-bit LSB executable, x86-64' ||
		die "what $bz carries is not an x86-64 ELF executable"
	mv "$elf.tmp" "$elf"
}

# make_cpio STAGE OUT: pack STAGE as a gzip'd newc cpio owned by root, the
# format the kernel unpacks as its initramfs; replace OUT atomically.
make_cpio() {
	local stage=$1 out=$2
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) |
		gzip -9 -n >"$out.tmp"
	mv "$out.tmp" "$out"
}
