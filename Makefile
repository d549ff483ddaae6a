# One Makefile, no configure step.
#   make                 build every program into bin/
#   make check           build, then run every test; ends with "N passed, N failed, N skipped" (ours; the reference's runs on the line before)
#   make check SANITIZE=1  the same with ASan+UBSan (objects in build-san/, programs in bin-san/)
#   make bench           run the benchmarks under bench/ (slow; prints numbers, asserts nothing)
#   make install PREFIX=/usr/local DESTDIR=
#   make clean

CXX      ?= g++
CXXFLAGS ?= -std=c++20 -O2 -Wall -Wextra -Wshadow -g
CPPFLAGS += -I. -MMD -MP
PREFIX   ?= /usr/local
DESTDIR  ?=
JOBS     ?= 2

ifeq ($(SANITIZE),1)
  OBJDIR   := build-san
  BINDIR   := bin-san
  CXXFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS  += -fsanitize=address,undefined
  STATIC   :=
  NSS_LINK :=
else
  OBJDIR   := build
  BINDIR   := bin
  # Static: these programs are exec'd constantly from scripts, and a static
  # binary starts in about 60% of the time of a dynamically linked one.
  STATIC   := -static
  # Except NSS_PROGRAMS, which look up accounts (getpwnam(3): setuidgid,
  # envuidgid) or hosts and services (getaddrinfo(3): tcpcheck): only a
  # dynamically linked libc loads the NSS modules (LDAP, sssd, systemd,
  # myhostname...) that nsswitch.conf names, and parses passwd exactly as
  # for the reference; a static getaddrinfo draws a linker warning. The
  # C++ runtime stays static, so only libc is loaded.
  NSS_LINK := -static-libstdc++ -static-libgcc
endif
# (svimport turns a numeric user= into the account name setuidgid needs.)
NSS_PROGRAMS := setuidgid/setuidgid setuidgid/envuidgid tcpcheck/tcpcheck svimport/svimport
# link_mode(program): the linking flags of a program.
link_mode = $(if $(filter $(1),$(NSS_PROGRAMS)),$(NSS_LINK),$(STATIC))

# Every program is <folder>/<name>.cpp (C++) or <folder>/<name>.sh (script).
# Other .cpp files in a program's folder are linked into each program there.
ALL_PROGRAMS := \
  svscan/svscan svscan/svscanboot supervise/supervise svc/svc svstat/svstat svwait/svwait \
  svok/svok multilog/multilog tai64n/tai64n tai64n/tai64nlocal \
  setuidgid/setuidgid setuidgid/envuidgid envdir/envdir softlimit/softlimit \
  readproctitle/readproctitle setlock/setlock pgrphack/pgrphack fghack/fghack \
  svweb/svweb svimport/svimport tcpcheck/tcpcheck

CXX_PROGRAMS := $(foreach p,$(ALL_PROGRAMS),$(if $(wildcard $(p).cpp),$(p)))
SH_PROGRAMS  := $(foreach p,$(ALL_PROGRAMS),$(if $(wildcard $(p).sh),$(p)))
PROGRAMS     := $(CXX_PROGRAMS) $(SH_PROGRAMS)
BINARIES     := $(addprefix $(BINDIR)/,$(notdir $(PROGRAMS)))

LIB_SRCS  := $(wildcard lib/*.cpp)
LIB_OBJS  := $(LIB_SRCS:%.cpp=$(OBJDIR)/%.o)
LIBA      := $(OBJDIR)/libsuite.a

UNIT_SRCS := $(wildcard tests/unit/*.cpp)
UNIT_OBJS := $(UNIT_SRCS:%.cpp=$(OBJDIR)/%.o)
UNIT_BIN  := $(OBJDIR)/unit-tests
HELPER_SRCS := $(wildcard tests/helpers/*.cpp)
HELPER_BINS := $(patsubst tests/helpers/%.cpp,$(OBJDIR)/helpers/%,$(HELPER_SRCS))
# Programs the benchmarks run beside ours (bench/*.cpp, each one file).
BENCH_SRCS := $(wildcard bench/*.cpp)
BENCH_BINS := $(patsubst bench/%.cpp,$(OBJDIR)/bench/%,$(BENCH_SRCS))
# An NSS module the account tests load into ours, the reference and id(1)
# alike: built without the sanitizers, whatever SANITIZE says.
NSS_TEST_LIB := $(OBJDIR)/helpers/nss/libnss_suitetest.so.2

MAN_PAGES := $(wildcard man/*.[1-9])

.PHONY: all check unit blackbox bench install clean
all: $(BINARIES)

$(OBJDIR)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# folder_objs(folder): objects of a folder's shared (non-main) sources.
folder_objs = $(patsubst %.cpp,$(OBJDIR)/%.o,$(filter-out $(addsuffix .cpp,$(ALL_PROGRAMS)),$(wildcard $(1)/*.cpp)))

define cxx_program
$(BINDIR)/$(notdir $(1)): $(OBJDIR)/$(1).o $(call folder_objs,$(patsubst %/,%,$(dir $(1)))) $(LIBA)
	@mkdir -p $(BINDIR)
	$(CXX) $(CXXFLAGS) $(call link_mode,$(1)) -o $$@ $$^ $(LDFLAGS)
endef
$(foreach p,$(CXX_PROGRAMS),$(eval $(call cxx_program,$(p))))

define sh_program
$(BINDIR)/$(notdir $(1)): $(1).sh
	@mkdir -p $(BINDIR)
	cp $$< $$@.new && chmod 755 $$@.new && mv -f $$@.new $$@
endef
$(foreach p,$(SH_PROGRAMS),$(eval $(call sh_program,$(p))))

# Each program folder's own modules (not its mains), as an archive the unit
# tests link: a module one program uses lives in that program's folder.
PROGRAM_DIRS := $(sort $(patsubst %/,%,$(dir $(ALL_PROGRAMS))))
FOLDER_LIBS  := $(foreach d,$(PROGRAM_DIRS),$(if $(call folder_objs,$(d)),$(OBJDIR)/$(d)/lib$(d).a))
define folder_lib
$(OBJDIR)/$(1)/lib$(1).a: $(call folder_objs,$(1))
	@rm -f $$@
	$(AR) rcs $$@ $$^
endef
$(foreach d,$(PROGRAM_DIRS),$(if $(call folder_objs,$(d)),$(eval $(call folder_lib,$(d)))))

$(UNIT_BIN): $(UNIT_OBJS) $(FOLDER_LIBS) $(LIBA)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDFLAGS) -lpthread

$(OBJDIR)/helpers/%: tests/helpers/%.cpp $(LIBA)
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -o $@ $< $(LIBA) $(LDFLAGS)

$(OBJDIR)/bench/%: bench/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -o $@ $< $(LDFLAGS)

$(NSS_TEST_LIB): tests/helpers/nss/suitetest.cpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++20 -O2 -Wall -Wextra -fPIC -shared -o $@ $<

check: $(BINARIES) $(UNIT_BIN) $(HELPER_BINS) $(NSS_TEST_LIB)
	@BIN=$(CURDIR)/$(BINDIR) HELPERS=$(CURDIR)/$(OBJDIR)/helpers UNIT=$(CURDIR)/$(UNIT_BIN) \
	  JOBS=$(JOBS) bash tests/run $(TESTS)

unit: $(UNIT_BIN)
	$(UNIT_BIN)

bench: $(BINARIES) $(HELPER_BINS) $(BENCH_BINS)
	@BIN=$(CURDIR)/$(BINDIR) HELPERS=$(CURDIR)/$(OBJDIR)/helpers BENCH_BIN=$(CURDIR)/$(OBJDIR)/bench sh bench/run $(BENCH)

install: $(BINARIES)
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" BINDIR="$(BINDIR)" sh package/install --no-build

clean:
	rm -rf build build-san bin bin-san

-include $(shell find $(OBJDIR) -name '*.d' 2>/dev/null)
