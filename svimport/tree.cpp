#include "svimport/tree.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "lib/dirents.hpp"
#include "lib/fd.hpp"

namespace svimport {

std::string dry_run_text(const std::vector<Plan>& plans) {
  std::string t;
  bool first = true;
  for (const Plan& p : plans)
    for (const File& f : p.files) {
      if (!first) t += '\n';
      first = false;
      t += "==> " + p.name + "/" + f.path + " <==\n" + f.content;
    }
  return t;
}

namespace {

bool sys_fail(Diag& d, const std::string& what) {
  d.sys_errno = errno ? errno : EIO;
  d.error = what;
  return false;
}

// Removes the directory name in dirfd and everything in it (our own
// temporaries only). Errors are ignored: this is cleanup after a failure.
void remove_tree(int dirfd, const std::string& name) {
  int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    std::vector<std::pair<std::string, bool>> entries;
    char buf[16384];
    lib::for_each_dirent(fd, buf, sizeof buf, [&](const lib::DirEntry& e) {
      std::string n = e.name;
      if (n != "." && n != "..") entries.emplace_back(n, e.type == DT_DIR);
      return true;
    });
    for (const auto& e : entries) {
      if (e.second)
        remove_tree(fd, e.first);
      else
        ::unlinkat(fd, e.first.c_str(), 0);
    }
    ::close(fd);
  }
  ::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR);
}

// Creates name in dirfd (replacing a leftover of ours) with content and
// mode. False with errno set.
bool write_file(int dirfd, const std::string& name, const std::string& content, bool exec) {
  ::unlinkat(dirfd, name.c_str(), 0);
  mode_t mode = exec ? 0755 : 0644;
  lib::Fd fd(::openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd.valid()) return false;
  if (::fchmod(fd.get(), mode) == -1) return false;
  if (!lib::write_all(fd.get(), content)) return false;
  return ::close(fd.release()) == 0;
}

// A temporary directory "prefix-XXXXXX" in the directory at path (mode
// 0755); its name, or "" with errno set.
std::string make_temp_dir(const std::string& path, const std::string& prefix) {
  std::string t = path + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(t.begin(), t.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) return "";
  std::string full(buf.data());
  if (::chmod(full.c_str(), 0755) == -1) {
    int e = errno;
    ::rmdir(full.c_str());
    errno = e;
    return "";
  }
  return full.substr(path.size() + 1);
}

struct Step {
  enum Kind { kDir, kFile, kRun, kUnlink } kind;
  int dirfd;
  std::string from, to;
  std::string shown;  // for messages: OUT/NAME/...
};

class Installer {
 public:
  Installer(const std::string& out, Diag& d) : out_(out), d_(d) {}
  ~Installer() {
    if (!done_) cleanup();
  }
  bool build(const std::vector<Plan>& plans);
  bool commit();

 private:
  int keep(int fd) {
    fds_.emplace_back(fd);
    return fd;
  }
  bool build_new(int outfd, const Plan& p);
  bool build_existing(int outfd, const Plan& p);
  void cleanup();

  std::string out_;
  Diag& d_;
  std::vector<lib::Fd> fds_;
  std::vector<Step> steps_;
  std::vector<std::pair<int, std::string>> temp_dirs_, temp_files_;
  bool done_ = false;
};

bool Installer::build_new(int outfd, const Plan& p) {
  std::string tmp = make_temp_dir(out_, ".svimport-" + p.name);
  if (tmp.empty()) return sys_fail(d_, "unable to create a directory in " + out_);
  temp_dirs_.emplace_back(outfd, tmp);
  int fd = keep(::openat(outfd, tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd < 0) return sys_fail(d_, "unable to open " + out_ + "/" + tmp);
  std::set<std::string> subdirs;
  for (const File& f : p.files) {
    size_t slash = f.path.find('/');
    if (slash != std::string::npos) {
      std::string sub = f.path.substr(0, slash);
      if (subdirs.insert(sub).second && ::mkdirat(fd, sub.c_str(), 0755) == -1)
        return sys_fail(d_, "unable to create " + out_ + "/" + tmp + "/" + sub);
    }
    if (!write_file(fd, f.path, f.content, f.executable))
      return sys_fail(d_, "unable to write " + out_ + "/" + tmp + "/" + f.path);
  }
  steps_.push_back({Step::kDir, outfd, tmp, p.name, out_ + "/" + p.name});
  return true;
}

bool Installer::build_existing(int outfd, const Plan& p) {
  std::string dir = out_ + "/" + p.name;
  int fd = keep(::openat(outfd, p.name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd < 0) return sys_fail(d_, "unable to open " + dir);
  // The subdirectories the plan writes into: open if they exist, else
  // built as temporaries.
  struct Sub {
    int fd;
    std::string tmp;  // non-empty: a temporary to rename in
  };
  std::vector<std::pair<std::string, Sub>> subs;
  auto sub_for = [&](const std::string& name) -> Sub* {
    for (auto& s : subs)
      if (s.first == name) return &s.second;
    return nullptr;
  };
  std::set<std::string> top, env;
  for (const File& f : p.files) {
    size_t slash = f.path.find('/');
    if (slash == std::string::npos) {
      top.insert(f.path);
      std::string tmp = ".svimport." + f.path;
      if (!write_file(fd, tmp, f.content, f.executable)) return sys_fail(d_, "unable to write " + dir + "/" + tmp);
      temp_files_.emplace_back(fd, tmp);
      steps_.push_back({f.path == "run" ? Step::kRun : Step::kFile, fd, tmp, f.path, dir + "/" + f.path});
      continue;
    }
    std::string subname = f.path.substr(0, slash), leaf = f.path.substr(slash + 1);
    if (subname == "env") env.insert(leaf);
    Sub* s = sub_for(subname);
    if (!s) {
      Sub n{-1, ""};
      n.fd = ::openat(fd, subname.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (n.fd >= 0) {
        keep(n.fd);
      } else if (errno == ENOENT) {
        n.tmp = make_temp_dir(dir, ".svimport-" + subname);
        if (n.tmp.empty()) return sys_fail(d_, "unable to create a directory in " + dir);
        temp_dirs_.emplace_back(fd, n.tmp);
        n.fd = keep(::openat(fd, n.tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (n.fd < 0) return sys_fail(d_, "unable to open " + dir + "/" + n.tmp);
        steps_.push_back({Step::kDir, fd, n.tmp, subname, dir + "/" + subname});
      } else {
        return sys_fail(d_, "unable to open " + dir + "/" + subname);
      }
      subs.emplace_back(subname, n);
      s = &subs.back().second;
    }
    if (!s->tmp.empty()) {
      if (!write_file(s->fd, leaf, f.content, f.executable))
        return sys_fail(d_, "unable to write " + dir + "/" + s->tmp + "/" + leaf);
    } else {
      std::string tmp = ".svimport." + leaf;
      if (!write_file(s->fd, tmp, f.content, f.executable))
        return sys_fail(d_, "unable to write " + dir + "/" + subname + "/" + tmp);
      temp_files_.emplace_back(s->fd, tmp);
      steps_.push_back({Step::kFile, s->fd, tmp, leaf, dir + "/" + f.path});
    }
  }
  // What the configuration no longer asks for.
  for (const char* const* m = kManagedFiles; *m; ++m) {
    struct stat st;
    if (!top.count(*m) && ::fstatat(fd, *m, &st, AT_SYMLINK_NOFOLLOW) == 0)
      steps_.push_back({Step::kUnlink, fd, "", *m, dir + "/" + *m});
  }
  Sub* es = sub_for("env");
  int envfd = es ? (es->tmp.empty() ? es->fd : -1)
                 : ::openat(fd, "env", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (!es && envfd >= 0) keep(envfd);
  if (envfd >= 0) {
    char buf[16384];
    std::vector<std::string> gone;
    if (lib::for_each_dirent(envfd, buf, sizeof buf, [&](const lib::DirEntry& e) {
          if (e.name[0] != '.' && !env.count(e.name)) gone.emplace_back(e.name);
          return true;
        }) == -1)
      return sys_fail(d_, "unable to read " + dir + "/env");
    for (const std::string& g : gone) steps_.push_back({Step::kUnlink, envfd, "", g, dir + "/env/" + g});
  }
  return true;
}

bool Installer::build(const std::vector<Plan>& plans) {
  int outfd = keep(::open(out_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (outfd < 0) return sys_fail(d_, "unable to open " + out_);
  for (const Plan& p : plans) {
    struct stat st;
    bool exists = ::fstatat(outfd, p.name.c_str(), &st, 0) == 0;
    if (!exists && errno != ENOENT) return sys_fail(d_, "unable to stat " + out_ + "/" + p.name);
    if (!(exists ? build_existing(outfd, p) : build_new(outfd, p))) return false;
  }
  return true;
}

bool Installer::commit() {
  // Directories first (new services, and env/ or log/ into existing
  // ones), then files, run last, then removals.
  for (int pass = 0; pass < 4; ++pass)
    for (const Step& s : steps_) {
      if (int(s.kind) != pass) continue;
      int r;
      if (s.kind == Step::kDir)
        r = ::renameat2(s.dirfd, s.from.c_str(), s.dirfd, s.to.c_str(), RENAME_NOREPLACE);
      else if (s.kind == Step::kUnlink)
        r = ::unlinkat(s.dirfd, s.to.c_str(), 0);
      else
        r = ::renameat(s.dirfd, s.from.c_str(), s.dirfd, s.to.c_str());
      if (r == -1 && !(s.kind == Step::kUnlink && errno == ENOENT))
        return sys_fail(d_, (s.kind == Step::kUnlink ? "unable to remove " : "unable to create ") + s.shown);
      for (auto& t : temp_dirs_)
        if (t.first == s.dirfd && t.second == s.from) t.second.clear();
      for (auto& t : temp_files_)
        if (t.first == s.dirfd && t.second == s.from) t.second.clear();
    }
  done_ = true;
  return true;
}

void Installer::cleanup() {
  int e = errno;
  for (auto& t : temp_files_)
    if (!t.second.empty()) ::unlinkat(t.first, t.second.c_str(), 0);
  for (auto it = temp_dirs_.rbegin(); it != temp_dirs_.rend(); ++it)
    if (!it->second.empty()) remove_tree(it->first, it->second);
  errno = e;
}

}  // namespace

bool check_existing(const std::string& out, const std::vector<Plan>& plans, bool force, Diag& d) {
  lib::Fd outfd(::open(out.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!outfd.valid()) return sys_fail(d, "unable to open " + out);
  for (const Plan& p : plans) {
    struct stat st;
    if (::fstatat(outfd.get(), p.name.c_str(), &st, 0) == -1) {
      if (errno == ENOENT) continue;
      return sys_fail(d, "unable to stat " + out + "/" + p.name);
    }
    if (!S_ISDIR(st.st_mode)) return d.fail(p.where, out + "/" + p.name + " exists and is not a directory");
    if (!force) return d.fail(p.where, out + "/" + p.name + " exists (-f updates it)");
  }
  return true;
}

bool install(const std::string& out, const std::vector<Plan>& plans, Diag& d) {
  Installer in(out, d);
  return in.build(plans) && in.commit();
}

}  // namespace svimport
