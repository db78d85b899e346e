package org.fdstore.passthrough;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.fdstore.fuse.FuseReply;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Proc;
import org.fdstore.linux.Xattr;

/**
 * Extended attributes, through /proc/self/fd/N of an O_PATH fd on the inode: the f*xattr calls refuse O_PATH fds, and
 * the path reaches the inode itself, a symbolic link's own inode included.
 */
final class XattrOps {
    private final Shared shared;

    XattrOps(Shared shared) {
        this.shared = shared;
    }

    FuseReply get(FuseRequest.Getxattr r) throws LinuxException {
        Inode inode = shared.inodes.get(r.context().nodeId());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = r.size() == 0 ? MemorySegment.NULL : arena.allocate(r.size());
            long n;
            try (InodeFd fd = shared.inodes.open(inode)) {
                n = Proc.withFdPath(fd.fd(), path -> Xattr.getxattr(path, r.name(), value, r.size()));
            }
            return r.size() == 0 ? FuseReply.xattrSize((int) n)
                    : FuseReply.xattr(value.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    FuseReply list(FuseRequest.Listxattr r) throws LinuxException {
        Inode inode = shared.inodes.get(r.context().nodeId());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment names = r.size() == 0 ? MemorySegment.NULL : arena.allocate(r.size());
            long n;
            try (InodeFd fd = shared.inodes.open(inode)) {
                n = Proc.withFdPath(fd.fd(), path -> Xattr.listxattr(path, names, r.size()));
            }
            return r.size() == 0 ? FuseReply.xattrSize((int) n)
                    : FuseReply.xattr(names.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    void set(FuseRequest.Setxattr r) throws LinuxException {
        Inode inode = shared.inodes.get(r.context().nodeId());
        try (Arena arena = Arena.ofConfined(); InodeFd fd = shared.inodes.open(inode)) {
            MemorySegment value = r.value().length == 0 ? arena.allocate(1) : arena.allocateFrom(ValueLayout.JAVA_BYTE, r.value());
            Proc.withFdPath(fd.fd(), path -> {
                Xattr.setxattr(path, r.name(), value, r.value().length, r.flags());
                return null;
            });
        }
    }

    void remove(FuseRequest.Removexattr r) throws LinuxException {
        try (InodeFd fd = shared.inodes.open(r.context().nodeId())) {
            Proc.withFdPath(fd.fd(), path -> {
                Xattr.removexattr(path, r.name());
                return null;
            });
        }
    }
}
