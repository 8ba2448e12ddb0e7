/*
 * Device rules on cgroup v2, where there is no devices controller: the
 * kernel asks a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup
 * for every open and mknod of a device node. The program is generated from
 * the rules: it checks them from the last to the first (the last matching
 * rule decides, as the v1 controller's lists behave for OCI rule lists) and
 * denies when none matches.
 *
 * Context the kernel passes (struct bpf_cgroup_dev_ctx): access_type (low 16
 * bits the device type, high 16 bits the access), major, minor.
 */
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* Registers: r1 = ctx; r2 = type; r3 = access; r4 = major; r5 = minor; r0 = verdict. */
#define INSN(c, d, s, o, i) ((struct bpf_insn) { .code = (c), .dst_reg = (d), .src_reg = (s), \
                                                  .off = (o), .imm = (i) })
#define LDX_W(dst, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, 1, off, 0)
#define MOV_REG(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm) INSN(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm) INSN(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int access_mask(const char *access) {
        int m = 0;
        if (!*access)
                access = "rwm";
        for (const char *p = access; *p; p++)
                m |= *p == 'r' ? BPF_DEVCG_ACC_READ : *p == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
        return m;
}

/*
 * Appends one rule's checks; every failed check jumps past the rule's
 * verdict. *ret_final says the rule matches everything, so nothing after it
 * can run (the verifier refuses unreachable instructions).
 */
static size_t emit_rule(struct bpf_insn *p, const struct rt_device_rule *r, bool *ret_final) {
        struct bpf_insn body[8];
        size_t n = 0;
        if (r->type != 'a')
                body[n++] = JNE_IMM(2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
        int mask = access_mask(r->access);
        if (mask != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)) {
                /* The rule covers the request only if it asks for nothing outside mask. */
                body[n++] = MOV_REG(6, 3);
                body[n++] = AND_IMM(6, ~mask);
                body[n++] = JNE_IMM(6, 0, 0);
        }
        if (r->type != 'a' && r->major >= 0)
                body[n++] = JNE_IMM(4, (int32_t) r->major, 0);
        if (r->type != 'a' && r->minor >= 0)
                body[n++] = JNE_IMM(5, (int32_t) r->minor, 0);
        /* Each jump skips the rest of the checks and the two verdict instructions. */
        for (size_t i = 0; i < n; i++)
                if (BPF_CLASS(body[i].code) == BPF_JMP && BPF_OP(body[i].code) == BPF_JNE)
                        body[i].off = (int16_t) (n - i - 1 + 2);
        memcpy(p, body, n * sizeof(*body));
        *ret_final = n == 0;
        p[n++] = MOV_IMM(0, r->allow ? 1 : 0);
        p[n++] = EXIT();
        return n;
}

int rt_cgroup_v2_devices_program(const struct rt_device_rule *rules, size_t n_rules,
                                 struct bpf_insn **ret, size_t *ret_n) {
        struct bpf_insn *p = calloc(6 + n_rules * 10 + 2, sizeof(*p));
        if (!p)
                return -ENOMEM;
        size_t n = 0;
        p[n++] = LDX_W(2, offsetof(struct bpf_cgroup_dev_ctx, access_type));
        p[n++] = MOV_REG(3, 2);
        p[n++] = AND_IMM(2, 0xffff);
        p[n++] = RSH_IMM(3, 16);
        p[n++] = LDX_W(4, offsetof(struct bpf_cgroup_dev_ctx, major));
        p[n++] = LDX_W(5, offsetof(struct bpf_cgroup_dev_ctx, minor));
        bool final = false;
        for (size_t i = n_rules; i-- > 0 && !final;)
                n += emit_rule(p + n, &rules[i], &final);
        if (!final) {
                p[n++] = MOV_IMM(0, 0);
                p[n++] = EXIT();
        }
        *ret = p;
        *ret_n = n;
        return 0;
}

static int bpf(int cmd, union bpf_attr *attr) {
        return (int) syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int rt_cgroup_v2_devices_apply(const char *dir, const struct rt_device_rule *rules, size_t n_rules,
                               struct ctrd_error *err) {
        if (n_rules == 0)
                return 0;
        _cleanup_free_ struct bpf_insn *prog = NULL;
        size_t n = 0;
        if (rt_cgroup_v2_devices_program(rules, n_rules, &prog, &n) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");

        union bpf_attr load = {
                .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
                .insns = (uint64_t) (uintptr_t) prog,
                .insn_cnt = (uint32_t) n,
                .license = (uint64_t) (uintptr_t) "Apache-2.0",
        };
        _cleanup_close_ int prog_fd = bpf(BPF_PROG_LOAD, &load);
        if (prog_fd < 0)
                return ctrd_error_sys(err, errno, "loading the device filter for '%s'", dir);
        _cleanup_close_ int cg_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cg_fd < 0)
                return ctrd_error_sys(err, errno, "opening cgroup '%s'", dir);
        union bpf_attr attach = {
                .target_fd = (uint32_t) cg_fd,
                .attach_bpf_fd = (uint32_t) prog_fd,
                .attach_type = BPF_CGROUP_DEVICE,
                .attach_flags = BPF_F_ALLOW_MULTI,
        };
        if (bpf(BPF_PROG_ATTACH, &attach) < 0)
                return ctrd_error_sys(err, errno, "attaching the device filter to '%s'", dir);
        /* The cgroup holds the program now; our fds can go. */
        return 0;
}
